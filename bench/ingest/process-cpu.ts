import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on every Linux architecture in use. */
const USER_HZ = 100;

/**
 * CPU seconds a process has used, with its waited-for children (utime, stime, cutime, cstime:
 * fields 14-17 of proc(5)); undefined where /proc is missing or the process is gone.
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // The fields after the parenthesised command name, which may itself hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / USER_HZ;
  } catch {
    return undefined;
  }
}
