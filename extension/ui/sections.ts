/**
 * Shows or hides a page section. A hidden section leaves the document instead of only being
 * `hidden`: the popup's sections share words ("Invite link" / "Invite link or room code", the
 * policy selects), and a hidden twin would make a lookup by label ambiguous for assistive tools
 * and tests alike. A comment keeps its place so it comes back where it was.
 */
const placeholders = new WeakMap<HTMLElement, Comment>();

export function show(section: HTMLElement, visible: boolean): void {
  section.hidden = !visible;
  let mark = placeholders.get(section);
  if (mark === undefined) {
    mark = document.createComment(section.id);
    section.before(mark);
    placeholders.set(section, mark);
  }
  if (visible && !section.isConnected) mark.after(section);
  else if (!visible && section.isConnected) section.remove();
}
