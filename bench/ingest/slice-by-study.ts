/**
 * Splits a workload's files among `senders` parallel senders, whole studies to one sender (a
 * modality sends a study on one association), each study to the sender with the fewest files so
 * far. Files keep their order within a study; every file lands in exactly one slice.
 */
export function sliceByStudy(files: readonly string[], studies: readonly string[], senders: number): string[][] {
  if (!Number.isInteger(senders) || senders < 1) throw new RangeError(`senders must be a positive integer, got ${senders}`);
  if (files.length !== studies.length) throw new RangeError('one study per file');
  const byStudy = new Map<string, string[]>();
  files.forEach((file, i) => {
    const list = byStudy.get(studies[i]!) ?? [];
    list.push(file);
    byStudy.set(studies[i]!, list);
  });
  const slices: string[][] = Array.from({ length: senders }, () => []);
  for (const studyFiles of byStudy.values()) {
    const smallest = slices.reduce((best, slice) => (slice.length < best.length ? slice : best));
    smallest.push(...studyFiles);
  }
  return slices.filter((slice) => slice.length > 0);
}
