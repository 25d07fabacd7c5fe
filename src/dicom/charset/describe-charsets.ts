/**
 * What the values of Specific Character Set (0008,0005) mean for decoding and encoding
 * (PS3.3 C.12.1.1.2, PS3.5 6.1.2.5): value 1 is active at the start of every value and after
 * every reset point; later values are reached only by their escape sequences.
 *
 * Reading is lenient (STYLE.md rule 3): an unknown or misspelt term never throws; it becomes a
 * warning here and the closest sensible reading is used.
 */
import { DEFAULT_TERM, type StandAloneCodec, lookupCharacterSetTerm } from './character-set-term.js';
import { DESIGNATE, type Designation } from './designation.js';

export interface Iso2022Plan {
  readonly kind: 'iso2022';
  readonly terms: readonly string[];
  /** The code elements in G0 and G1 at the start of a value and after each reset point. */
  readonly initialG0: Designation;
  readonly initialG1: Designation | undefined;
  /** The designations the terms declare, in the order of the terms: what a writer may switch to. */
  readonly designations: readonly Designation[];
  /** Whether escape sequences are allowed at all (value 1 is an "ISO 2022" term, or there are several). */
  readonly codeExtensions: boolean;
  readonly warnings: readonly string[];
}

export interface StandAlonePlan {
  readonly kind: 'stand-alone';
  readonly terms: readonly string[];
  readonly codec: StandAloneCodec;
  readonly warnings: readonly string[];
}

export type CharsetPlan = Iso2022Plan | StandAlonePlan;

/** (0008,0005) comes from files: the cache is bounded so that odd values cannot grow it without end. */
const MAX_CACHED_PLANS = 256;
const plans = new Map<string, CharsetPlan>();

/** Interprets the values of (0008,0005); never throws. Results are cached per distinct value list. */
export function describeCharsets(terms: readonly string[]): CharsetPlan {
  const key = terms.join('\\');
  let plan = plans.get(key);
  if (!plan) {
    plan = buildPlan([...terms]);
    if (plans.size >= MAX_CACHED_PLANS) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

function buildPlan(terms: readonly string[]): CharsetPlan {
  const warnings: string[] = [];
  const shown = `"${terms.join('\\')}"`;
  const first = lookupCharacterSetTerm(terms[0] ?? '');
  if (!first) {
    warnings.push(`Specific Character Set ${shown}: unknown term "${terms[0]}"; reading as the default repertoire (bytes above 0x7F as ISO 8859-1)`);
  } else if (first.corrected) {
    warnings.push(`Specific Character Set ${shown}: "${terms[0]}" is not a defined term; reading it as "${first.corrected}"`);
  }
  const value1 = first?.term ?? DEFAULT_TERM;

  if (value1.kind === 'stand-alone') {
    if (terms.length > 1) {
      warnings.push(`Specific Character Set ${shown}: ${value1.term} does not allow code extensions (PS3.3 Table C.12-5); ignoring the other values`);
    }
    return { kind: 'stand-alone', terms, codec: value1.codec, warnings };
  }
  if (terms.length > 1 && !value1.codeExtensions && (terms[0] ?? '').trim() !== '') {
    warnings.push(`Specific Character Set ${shown}: value 1 "${value1.term}" has no code extensions; reading it as its ISO 2022 form`);
  }

  const designations: Designation[] = [];
  const declare = (d: Designation | undefined): void => {
    if (d && !designations.includes(d)) designations.push(d);
  };
  // A multi-byte G0 set (ISO 2022 IR 87, 159) as value 1 cannot hold the ASCII delimiters, so
  // values start in ASCII and reach the set by its escape sequence, as pydicom and DCMTK read it.
  const initialG0 = value1.g0 && value1.g0.element.bytesPerChar === 1 ? value1.g0 : DESIGNATE.ascii;
  declare(initialG0);
  declare(value1.g0);
  declare(value1.g1);
  for (const value of terms.slice(1)) {
    const found = lookupCharacterSetTerm(value);
    if (!found) {
      warnings.push(`Specific Character Set ${shown}: unknown term "${value}" ignored`);
      continue;
    }
    if (found.term.kind === 'stand-alone') {
      warnings.push(`Specific Character Set ${shown}: ${found.term.term} cannot be a code extension (PS3.5 6.1.2.5.4); ignored`);
      continue;
    }
    if (found.corrected) warnings.push(`Specific Character Set ${shown}: "${value}" is not a defined term; reading it as "${found.corrected}"`);
    else if (!found.term.codeExtensions && value.trim() !== '') {
      warnings.push(`Specific Character Set ${shown}: "${value}" has no code extensions; reading it as its ISO 2022 form`);
    }
    declare(found.term.g0);
    declare(found.term.g1);
  }

  return {
    kind: 'iso2022',
    terms,
    initialG0,
    initialG1: value1.g1,
    designations,
    codeExtensions: value1.codeExtensions || terms.length > 1,
    warnings,
  };
}
