/**
 * Freezes a stored room (or a value handed out with it) and everything reachable from it that is
 * not frozen yet. The stores hand rooms out without copying; frozen, no caller can change stored
 * state behind a store's back (an attempt throws). It stops at what is frozen already, so freezing
 * what a pure rule returned visits only the objects the rule made new.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  // for-in, not Object.values: no array per object (stored values are plain objects and arrays).
  for (const key in value) {
    const child: unknown = value[key];
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return value;
}
