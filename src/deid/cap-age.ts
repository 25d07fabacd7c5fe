/**
 * Ages over 89 years are themselves identifying (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(C)):
 * an AS value (PS3.5 6.2, nnnD/W/M/Y) above 089Y becomes 090Y. Only the Y unit can exceed 89
 * years: 999M, 999W and 999D are all below it.
 */
export function capAge(value: string): string {
  const match = /^(\d{3})Y$/.exec(value.trim());
  if (match && Number(match[1]) > 89) return '090Y';
  return value;
}
