/**
 * JSON text of DICOM JSON Model objects with attributes in ascending tag order, which PS3.18
 * F.2.2 requires. `JSON.stringify` cannot give that: JavaScript enumerates property names that
 * look like array indices ("30060002", "40000010") before all others ("00080005", "7FE00010").
 */
const TAG_KEY = /^[0-9A-F]{8}$/;

/** Like `JSON.stringify` without indentation; objects whose keys are all tags are written sorted. */
export function stringifyDicomJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, parts: string[]): void {
  if (Array.isArray(value)) {
    parts.push('[');
    value.forEach((v, i) => {
      if (i > 0) parts.push(',');
      write(v === undefined ? null : v, parts);
    });
    parts.push(']');
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (keys.length > 0 && keys.every((k) => TAG_KEY.test(k))) keys.sort();
    parts.push('{');
    keys.forEach((key, i) => {
      if (i > 0) parts.push(',');
      parts.push(JSON.stringify(key), ':');
      write((value as Record<string, unknown>)[key], parts);
    });
    parts.push('}');
    return;
  }
  parts.push(JSON.stringify(value) ?? 'null');
}
