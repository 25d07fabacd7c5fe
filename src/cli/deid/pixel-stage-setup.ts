/**
 * What `medveil deid` gives the pixel stage, built once per worker thread from the run's flags:
 * the bundled pixel rules followed by the user's file (`--pixel-rules`, JSON or YAML, schema in
 * docs/pixels.md). The main thread loads the same file first, so a mistake in it stops the run
 * before any file is read.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MedVeilError } from '../../errors.js';
import type { FindTextRegions } from '../../pixels/clean-pixels.js';
import { defaultPixelRules, parsePixelRules, type PixelRule } from '../../pixels/pixel-rules.js';

export interface PixelStageFlags {
  /** The user's pixel rules file, appended to the bundled rules. */
  readonly pixelRulesPath: string | undefined;
}

export interface PixelStage {
  readonly options: { readonly pixelRules?: readonly PixelRule[]; readonly findTextRegions?: FindTextRegions };
  close(): Promise<void>;
}

export function loadPixelRulesFile(path: string): PixelRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MedVeilError('usage', `cannot read the pixel rules file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, {
      hint: 'give an existing JSON or YAML file to --pixel-rules',
    });
  }
  let document: unknown;
  try {
    document = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new MedVeilError('pixels', `pixel rules ${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, {
      hint: 'fix the rules file; its schema is described in docs/pixels.md',
    });
  }
  return [...defaultPixelRules(), ...parsePixelRules(document, path)];
}

export async function loadPixelStage(flags: PixelStageFlags): Promise<PixelStage> {
  const pixelRules = flags.pixelRulesPath === undefined ? undefined : loadPixelRulesFile(flags.pixelRulesPath);
  return {
    options: pixelRules === undefined ? {} : { pixelRules },
    close: async () => undefined,
  };
}
