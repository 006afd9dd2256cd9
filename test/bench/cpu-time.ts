/** CPU time of processes, to tell which side of a TCP benchmark keeps a core busy. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Index of utime in the fields that follow the command name of /proc/PID/stat, whose own
 * field numbers start at 3 (proc(5): utime is field 14, stime field 15, both in clock ticks). */
const UTIME_INDEX = 14 - 3;
const STIME_INDEX = 15 - 3;

let tickMs: number | undefined;

/** Returns the length of one clock tick of /proc/PID/stat, sysconf(_SC_CLK_TCK), in
 * milliseconds, or `undefined` when `getconf CLK_TCK` fails. */
const clockTickMs = (): number | undefined => {
  if (tickMs === undefined) {
    const output = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const ticksPerSecond = Number(output.stdout.trim());
    if (output.status !== 0 || !(ticksPerSecond > 0)) {
      return undefined;
    }
    tickMs = 1_000 / ticksPerSecond;
  }
  return tickMs;
};

/**
 * Returns the user and system CPU time that process `pid` has used, in milliseconds, with a
 * resolution of one clock tick (10 ms at 100 ticks per second). Returns `undefined` where /proc
 * or `getconf` is missing (not Linux) or the process has gone.
 */
export const processCpuMs = (pid: number): number | undefined => {
  const tick = clockTickMs();
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may contain spaces, so split after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[UTIME_INDEX]);
  const system = Number(fields[STIME_INDEX]);
  return tick !== undefined && Number.isFinite(user) && Number.isFinite(system) ? (user + system) * tick : undefined;
};

/** Returns the user and system CPU time of this process, in milliseconds. */
export const ownCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1_000;
};
