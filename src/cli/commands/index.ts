import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerDeid } from './deid.js';
import { registerDicomdir } from './dicomdir.js';
import { registerKeygen } from './keygen.js';
import { registerSample } from './sample.js';
import { registerWitness } from './witness.js';

/** Every `medveil <verb>`; one file per verb in this folder. */
export function registerCommands(program: Command): void {
  registerKeygen(program);
  registerDeid(program);
  registerDicomdir(program);
  registerSample(program);
  registerAudit(program);
  registerWitness(program);
}
