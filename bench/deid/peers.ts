/**
 * The tools the de-identification benchmark runs on the same corpus: how to call each on a
 * folder, and how each reports files it could not process.
 */
import { execPath } from 'node:process';
import { tagElement, tagGroup } from '../../src/dicom/tag.js';
import { PROFILE } from '../../src/deid/profile.js';
import type { MeasuredRun } from './measure-command.js';

export interface PeerContext {
  /** The compiled `medveil` entry point. */
  readonly medveilBin: string;
  readonly keyFile: string;
  /** A self-signed certificate made for the run: gdcmanon's Basic Profile mode encrypts the originals to it. */
  readonly certificate: string;
  /** The compiled dcmjs script of this benchmark. */
  readonly dcmjsScript: string;
  /** GDCMANON_DRIVER, saved as a file. */
  readonly gdcmanonDriver: string;
}

export interface Peer {
  readonly name: string;
  /** What the tool does to the data, for the table's notes. */
  readonly does: string;
  command(input: string, output: string, context: PeerContext): { command: string; args: string[] };
  /** Files the tool says it refused or failed, from its own report. */
  failures(run: MeasuredRun): number;
  /** Files the tool says it wrote, when it says (else the output is counted). */
  claimedWritten?(run: MeasuredRun): number | undefined;
  /** The tool's own account of what it did, without paths of the machine. */
  summary?(run: MeasuredRun): string[];
}

export const PEERS: readonly Peer[] = [
  {
    name: 'cp -r',
    does: 'copies bytes (baseline)',
    command: (input, output) => ({ command: 'cp', args: ['-r', input, output] }),
    failures: (run) => (run.status === 0 ? 0 : run.stderr.trim().split('\n').length),
  },
  {
    name: 'medveil deid',
    does: 'PS3.15 Basic Profile: keyed UIDs and IDs, private and curve/overlay groups removed, outputs named by new UIDs',
    command: (input, output, context) => ({
      command: execPath,
      args: [context.medveilBin, 'deid', input, output, '--key-file', context.keyFile, '--jobs', '2', '--no-progress'],
    }),
    failures: (run) => {
      const quarantined = Number(/quarantined (\d+) file/.exec(run.stdout)?.[1] ?? 0);
      const skipped = [...run.stdout.matchAll(/^ {2}skipped (\d+):/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      return quarantined + skipped;
    },
    claimedWritten: (run) => {
      const match = /de-identified (\d+) file/.exec(run.stdout);
      return match ? Number(match[1]) : undefined;
    },
    summary: (run) => run.stdout.trim().split('\n').slice(1).map((line) => line.replace(/ in \S+ \(each/, ' (each')),
  },
  {
    name: 'gdcmanon -e',
    does: 'GDCM Basic Profile (PS3.15 E.1.1): originals encrypted into the Encrypted Attributes Sequence, UIDs regenerated; needs a certificate',
    command: (input, output, context) => ({
      command: 'bash',
      args: [context.gdcmanonDriver, input, output, '-e', '--certificate', context.certificate],
    }),
    failures: (run) => driverCounts(run)?.failed ?? NaN,
    claimedWritten: (run) => driverCounts(run)?.written,
  },
  {
    name: 'gdcmanon --dumb',
    does: 'GDCM without a certificate: the E.1-1 X rows removed and Z/D rows emptied by tag; UIDs, private and repeating groups kept',
    command: (input, output, context) => ({
      command: 'bash',
      args: [context.gdcmanonDriver, input, output, '--dumb', ...dumbProfileArguments()],
    }),
    failures: (run) => driverCounts(run)?.failed ?? NaN,
    claimedWritten: (run) => driverCounts(run)?.written,
  },
  {
    name: 'dcmjs cleanTags',
    does: 'dcmjs anonymizer.cleanTags in one Node process: its list emptied, name and ID replaced; UIDs, dates and private kept',
    command: (input, output, context) => ({ command: execPath, args: [context.dcmjsScript, input, output] }),
    failures: (run) => driverCounts(run)?.failed ?? NaN,
    claimedWritten: (run) => driverCounts(run)?.written,
  },
];

/** The dcmjs script and the gdcmanon driver end with a line `{"written":n,"failed":n}`. */
function driverCounts(run: MeasuredRun): { written: number; failed: number } | undefined {
  const last = run.stdout.trim().split('\n').pop();
  try {
    return last ? (JSON.parse(last) as { written: number; failed: number }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The closest gdcmanon gets to the Basic Profile without a certificate: its dumb mode takes
 * exact tags only, so the single-tag rows of PS3.15 Table E.1-1 whose basic action removes
 * (X and the X/... codes) become `--remove` and those that blank or dummy (Z, D, Z/D)
 * become `--empty`. U (new UIDs), the curve and overlay groups and the private row cannot be
 * said this way.
 */
export function dumbProfileArguments(): string[] {
  const args: string[] = [];
  for (const row of PROFILE) {
    if (row.mask !== 0xffffffff || row.isPrivate) continue;
    const tag = `${hex4(tagGroup(row.value))},${hex4(tagElement(row.value))}`;
    if (row.basic.startsWith('X')) args.push('--remove', tag);
    else if (row.basic === 'Z' || row.basic === 'D' || row.basic === 'Z/D') args.push('--empty', tag);
  }
  return args;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/**
 * gdcmanon in folder mode stops the whole batch at the first file it cannot write (for example
 * one without SOP Instance UID); `--continue` only skips files it cannot read. So the driver
 * restarts it the way a user would: first the whole tree in one process; if that stops, once
 * per folder it had not reached, and file by file through a folder it stopped in. Bash, so the
 * driver adds nothing to the peak memory. Arguments: <input> <output> <gdcmanon mode options...>.
 * Ends with `{"written":n,"failed":n}`, counted from the output tree.
 */
export const GDCMANON_DRIVER = `set -u
input=$1; output=$2; shift 2
mkdir -p "$output"
if ! gdcmanon "$@" --continue -r -i "$input" -o "$output"; then
  while IFS= read -r -d '' folder; do
    done_here=0; missing=0
    for file in "$input/$folder"/*; do
      [ -f "$file" ] || continue
      if [ -e "$output/$folder/\${file##*/}" ]; then done_here=1; else missing=1; fi
    done
    [ "$missing" = 1 ] || continue
    mkdir -p "$output/$folder"
    if [ "$done_here" = 1 ] || ! gdcmanon "$@" --continue -i "$input/$folder" -o "$output/$folder"; then
      for file in "$input/$folder"/*; do
        [ -f "$file" ] || continue
        name=\${file##*/}
        [ -e "$output/$folder/$name" ] || gdcmanon "$@" -i "$file" -o "$output/$folder/$name"
      done
    fi
  done < <(cd "$input" && find . -type f -printf '%h\\0' | sort -zu)
fi
read -r total < <(find "$input" -type f | wc -l)
read -r written < <(find "$output" -type f | wc -l)
echo "{\\"written\\":$written,\\"failed\\":$((total - written))}"
`;
