/**
 * The OCR text finder of masked views (`masking.ocr`), started with the first frame it is asked
 * about rather than with the server: its workers take a second or two and some hundred
 * megabytes, which a server that never masks a frame should not pay. A finder that fails to
 * start fails that request (masking refuses, nothing is served) and is tried again on the next.
 */
import type { FindTextRegions } from '../pixels/clean-pixels.js';
import type { OcrLanguage } from '../pixels/ocr-language.js';
import type { OcrTextFinder } from '../pixels/ocr-text-finder.js';

export interface LazyTextFinder {
  readonly findTextRegions: FindTextRegions;
  close(): Promise<void>;
}

export function lazyOcrTextFinder(languages: readonly OcrLanguage[]): LazyTextFinder {
  let started: Promise<OcrTextFinder> | undefined;
  let closed = false;
  const start = (): Promise<OcrTextFinder> => {
    if (started === undefined) {
      const attempt = import('../pixels/ocr-text-finder.js').then(({ createOcrTextFinder }) => createOcrTextFinder({ languages }));
      started = attempt;
      attempt.catch(() => { if (started === attempt) started = undefined; });
    }
    return started;
  };
  return {
    findTextRegions: async (frame, index) => {
      if (closed) throw new Error('the server is closing');
      return (await start()).findTextRegions(frame, index);
    },
    close: async () => {
      closed = true;
      const finder = await started?.catch(() => undefined);
      await finder?.close();
    },
  };
}
