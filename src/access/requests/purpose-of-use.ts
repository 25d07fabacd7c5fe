/**
 * Why someone asks for access or an export: a fixed list, each mapped to its HL7 v3
 * PurposeOfUse code (code system 2.16.840.1.113883.1.11.20448), which is what the audit event
 * records in `purpose` (IHE BALP). A fixed list rather than free text, so that the audit log
 * and the approvers' screens compare like with like; the justification carries the details.
 * Emergency treatment (ETREAT) is not here: it is break-glass, a different flow.
 */
export const PURPOSES_OF_USE = {
  treatment: { code: 'TREAT', meaning: 'care of the patient (treatment, second reading, tumour board)' },
  research: { code: 'HRESCH', meaning: 'research approved by an ethics board' },
  'clinical-trial': { code: 'CLINTRL', meaning: 'a clinical trial the patient is enrolled in' },
  quality: { code: 'HQUALIMP', meaning: 'quality improvement, audit of care, peer review' },
  legal: { code: 'HLEGAL', meaning: 'a legal matter: a court order, litigation, a regulator' },
  'public-health': { code: 'PUBHLTH', meaning: 'public health reporting or surveillance' },
  operations: { code: 'HOPERAT', meaning: 'running the hospital: equipment, protocols, training of staff' },
  'patient-request': { code: 'PATRQT', meaning: 'the patient asked for their images' },
} as const;

export type PurposeOfUse = keyof typeof PURPOSES_OF_USE;

export function isPurposeOfUse(value: unknown): value is PurposeOfUse {
  return typeof value === 'string' && Object.hasOwn(PURPOSES_OF_USE, value);
}

/** The HL7 v3 code of a purpose, for the audit event's `purpose`. */
export function purposeCode(purpose: PurposeOfUse): string {
  return PURPOSES_OF_USE[purpose].code;
}
