/**
 * Use case: turn a folder of de-identified DICOM files (the output of `medveil deid`, laid out
 * by UIDs) into a media folder with a DICOMDIR (PS3.10 8, PS3.11 General Purpose profiles):
 *
 *   <output>/DICOMDIR
 *   <output>/DICOM/P0000001/ST000001/SE000001/I0000001
 *
 * Names are ordinals only (see `plan-media-layout.ts`), so no path carries a UID or anything
 * else of the patient. Files are hard-linked (copied when a link is impossible, or on request).
 *
 * Fails closed: every file is read and checked before anything is written; the folder is built
 * under a temporary sibling name and renamed into place at the end, and the DICOMDIR inside it
 * is itself written under a temporary name first. On any error the partial folder is removed,
 * so `<output>` is either complete or absent (or left as the empty folder it was).
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { MedVeilError } from '../errors.js';
import {
  type EncodeDicomdirOptions, type InstanceHeader, encodeDicomdir, instanceHeader, layoutInstances, planMediaLayout,
} from '../dicom/dicomdir/index.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';

export interface BuildMediaFolderOptions extends EncodeDicomdirOptions {
  /** 'link' (default): hard links, copies where the file system refuses a link; 'copy': always copies. */
  readonly transfer?: 'link' | 'copy';
  /**
   * Accept files that do not say they went through a de-identifier (no Patient Identity Removed
   * (0012,0062)). Off by default: the DICOMDIR repeats names and IDs of the files it lists.
   */
  readonly allowIdentified?: boolean;
}

export interface MediaFolderSummary {
  readonly instances: number;
  readonly patients: number;
  readonly studies: number;
  readonly series: number;
  readonly linked: number;
  readonly copied: number;
  /** The DICOMDIR's SOP Instance UID. */
  readonly fileSetUid: string;
  /** Type 1 keys filled in because the instances left them empty, by "RECORD TYPE Keyword". */
  readonly invented: ReadonlyMap<string, number>;
}

export const DICOMDIR_NAME = 'DICOMDIR';

export async function buildMediaFolder(input: string, output: string, options: BuildMediaFolderOptions = {}): Promise<MediaFolderSummary> {
  const inputRoot = resolve(input);
  const outputRoot = resolve(output);
  await checkFolders({ input, inputRoot }, { output, outputRoot });

  const headers: InstanceHeader[] = [];
  for (const relativePath of await regularFiles(inputRoot)) {
    headers.push(await readHeader(inputRoot, relativePath, options.allowIdentified === true));
  }
  if (headers.length === 0) {
    throw new MedVeilError('usage', `${input} holds no files`, { hint: 'give the output folder of `medveil deid`' });
  }
  const layout = planMediaLayout(headers);
  const dicomdir = encodeDicomdir(layout, options);

  const stage = `${outputRoot}.partial-${randomBytes(6).toString('hex')}`;
  let linked = 0;
  let copied = 0;
  try {
    await mkdir(stage);
    for (const instance of layoutInstances(layout)) {
      const target = join(stage, ...instance.fileId);
      await mkdir(dirname(target), { recursive: true });
      const how = await transferFile(join(inputRoot, instance.header.source), target, options.transfer ?? 'link');
      if (how === 'linked') linked++;
      else copied++;
    }
    const partial = join(stage, `${DICOMDIR_NAME}.partial`);
    await writeFile(partial, dicomdir.bytes, { flag: 'wx' });
    await rename(partial, join(stage, DICOMDIR_NAME));
    if (await exists(outputRoot)) await rmdir(outputRoot);
    await rename(stage, outputRoot);
  } catch (error) {
    await rm(stage, { recursive: true, force: true });
    if (error instanceof MedVeilError) throw error;
    throw new MedVeilError('io', `cannot write the media folder ${output}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that its parent folder exists, is writable and has room',
    });
  }
  return {
    instances: headers.length,
    patients: layout.patients.length,
    studies: layout.patients.reduce((n, p) => n + p.studies.length, 0),
    series: layout.patients.reduce((n, p) => n + p.studies.reduce((m, s) => m + s.series.length, 0), 0),
    linked,
    copied,
    fileSetUid: dicomdir.sopInstanceUid,
    invented: dicomdir.invented,
  };
}

/** The names as the caller gave them (for messages) and resolved. */
async function checkFolders({ input, inputRoot }: { input: string; inputRoot: string }, { output, outputRoot }: { output: string; outputRoot: string }): Promise<void> {
  const info = await lstat(inputRoot).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new MedVeilError('usage', `${input} is not a folder`, { hint: 'give the output folder of `medveil deid`' });
  }
  if (isInside(outputRoot, inputRoot) || isInside(inputRoot, outputRoot)) {
    throw new MedVeilError('usage', 'the media folder and the input folder must not contain one another', { hint: `choose a media folder outside ${input}` });
  }
  const existing = await lstat(outputRoot).catch(() => undefined);
  if (existing !== undefined && (!existing.isDirectory() || (await readdir(outputRoot)).length > 0)) {
    throw new MedVeilError('usage', `${output} exists and is not an empty folder`, { hint: 'choose a new folder for the media, or remove the old one' });
  }
}

/**
 * Every file under `root`, relative and sorted. Anything but regular files and folders is an
 * error: the DICOMDIR must list every file of the File-set (PS3.3 F.2.1 e), and a symbolic link
 * could lead out of the folder the operator chose.
 */
async function regularFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const names = (await readdir(join(root, prefix))).sort();
  for (const name of names) {
    const relativePath = prefix === '' ? name : join(prefix, name);
    const info = await lstat(join(root, relativePath));
    if (info.isDirectory()) out.push(...(await regularFiles(root, relativePath)));
    else if (info.isFile()) out.push(relativePath);
    else {
      throw new MedVeilError('dicomdir', `${relativePath}: ${info.isSymbolicLink() ? 'is a symbolic link' : 'is not a regular file'}; media folders hold regular files only`, {
        hint: 'remove it from the folder',
      });
    }
  }
  return out;
}

async function readHeader(root: string, relativePath: string, allowIdentified: boolean): Promise<InstanceHeader> {
  const bytes = await readFile(join(root, relativePath));
  let file;
  try {
    file = readDicomFile(bytes);
  } catch (error) {
    if (!(error instanceof MedVeilError)) throw error;
    throw new MedVeilError('dicomdir', `${relativePath}: not a readable DICOM file (${error.message})`, {
      cause: error,
      hint: 'remove it from the folder; `medveil deid` writes DICOM files only',
    });
  }
  // instanceHeader first: a DICOMDIR or an instance without UIDs is refused with its own reason.
  const header = instanceHeader(file, relativePath);
  if (!allowIdentified && !file.dataset.has(Tag.PatientIdentityRemoved)) {
    throw new MedVeilError('dicomdir', `${relativePath}: does not say it was de-identified (no Patient Identity Removed (0012,0062)), and a DICOMDIR repeats its names and IDs`, {
      hint: 'de-identify the folder with `medveil deid` first, or pass --allow-identified for media that may carry identities',
    });
  }
  return header;
}

async function transferFile(from: string, to: string, transfer: 'link' | 'copy'): Promise<'linked' | 'copied'> {
  if (transfer === 'link') {
    try {
      await link(from, to);
      return 'linked';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another file system, or one without hard links: a copy is as good.
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EOPNOTSUPP') throw error;
    }
  }
  await copyFile(from, to);
  return 'copied';
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
