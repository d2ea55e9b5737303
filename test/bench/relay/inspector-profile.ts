/**
 * A CPU profile of a relay started with `--inspect=127.0.0.1:PORT` over one stretch of time only
 * (bench:relay's `--run-prof DIR`: the run of the mix, without the connects before it or the
 * shutdown after it, which `--cpu-prof` also records), through the DevTools protocol's Profiler.
 */
import { writeFile } from 'node:fs/promises';
import { openInspector } from './inspector';

/** Starts profiling; the returned function stops it and writes the profile to `file` (a .cpuprofile DevTools and the analysis scripts read). */
export async function startProfile(inspectPort: number): Promise<(file: string) => Promise<void>> {
  const session = await openInspector(inspectPort, { maxPayload: 1024 * 1024 * 1024 });
  await session.call('Profiler.enable');
  await session.call('Profiler.start');
  return async (file) => {
    try {
      const { profile } = (await session.call('Profiler.stop')) as { profile: unknown };
      await writeFile(file, JSON.stringify(profile));
    } finally {
      session.close();
    }
  };
}
