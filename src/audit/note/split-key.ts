/**
 * Splits `name+id+base64` at its first two '+': a key name never contains '+', the base64 of
 * the key material may.
 */
export function splitKey(text: string): string[] {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return [text];
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}
