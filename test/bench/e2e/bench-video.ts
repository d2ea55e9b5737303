/**
 * The bench's video: 3 minutes of ffmpeg's testsrc2 at 60 fps (frames every 16.7 ms, so a
 * frame's mediaTime is a fine position reading), VP8, made once and cached in the temp dir.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_VIDEO_SECONDS = 180;

export function benchVideo(): string {
  const dir = join(tmpdir(), 'lockstep-bench');
  const file = join(dir, `testsrc2-60fps-${BENCH_VIDEO_SECONDS}s.webm`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial.webm`;
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=60',
    '-t',
    String(BENCH_VIDEO_SECONDS),
    '-c:v',
    'libvpx',
    '-b:v',
    '150k',
    '-g',
    '60',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    partial,
  ]);
  renameSync(partial, file);
  return file;
}
