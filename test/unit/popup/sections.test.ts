/** @jest-environment jsdom */
import { show } from '../../../extension/ui/sections';

test('a hidden section leaves the document and comes back in its place', () => {
  document.body.innerHTML = '<h1>top</h1><section id="a"><label for="x">Invite link</label><input id="x"></section><footer>end</footer>';
  const section = document.getElementById('a') as HTMLElement;
  show(section, false);
  expect(document.getElementById('x')).toBeNull();
  expect(section.hidden).toBe(true);
  show(section, false); // idempotent
  show(section, true);
  expect(section.hidden).toBe(false);
  expect([...document.body.children].map((el) => el.tagName)).toEqual(['H1', 'SECTION', 'FOOTER']);
  show(section, true);
  expect(document.querySelectorAll('section')).toHaveLength(1);
});
