/**
 * Reads a user's pixel rules file (JSON by its `.json` extension, YAML otherwise; the schema is in
 * docs/pixels.md) and returns the bundled rules followed by the file's. Shared by the server
 * config (`masking.pixelRules`) and `medveil deid --pixel-rules`: `source` names where the file
 * came from, so every message says what to fix.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MedVeilError } from '../errors.js';
import { defaultPixelRules, parsePixelRules, type PixelRule } from './pixel-rules.js';

export function readPixelRulesFile(path: string, source: string): PixelRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MedVeilError('usage', `${source}: cannot read the pixel rules file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: `give ${source} an existing JSON or YAML file`,
    });
  }
  const json = extname(path).toLowerCase() === '.json';
  let document: unknown;
  try {
    document = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new MedVeilError('pixels', `${source}: ${path} is not valid ${json ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]})`, {
      hint: 'fix the rules file; its schema is described in docs/pixels.md',
    });
  }
  try {
    return [...defaultPixelRules(), ...parsePixelRules(document, path)];
  } catch (error) {
    if (!(error instanceof MedVeilError)) throw error;
    throw new MedVeilError(error.code, `${source}: ${error.message}`, { cause: error, hint: error.hint ?? 'fix the rules file; its schema is described in docs/pixels.md' });
  }
}
