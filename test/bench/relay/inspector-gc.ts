/**
 * Forces a full garbage collection in a relay started with `--inspect=127.0.0.1:PORT`, through
 * the DevTools protocol (HeapProfiler.collectGarbage), so the benchmark can read what the relay
 * really retains per socket: heap "used" under load also counts garbage not yet collected.
 * Nothing in the relay changes for this; only the benchmark starts relays with the inspector.
 */
import { openInspector } from './inspector';

export async function collectGarbage(inspectPort: number): Promise<void> {
  const session = await openInspector(inspectPort);
  try {
    // Twice: objects with finalizers (and weak references) are freed only by a second pass.
    await session.call('HeapProfiler.collectGarbage');
    await session.call('HeapProfiler.collectGarbage');
  } finally {
    session.close();
  }
}
