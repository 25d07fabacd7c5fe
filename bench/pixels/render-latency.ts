/**
 * Latency of one instance rendered as PNG (`.../instances/{uid}/rendered`, PS3.18 10.4.1.1.3),
 * asked by one client at a time on a keep-alive connection, from sending the request to the
 * last byte of the answer. Every answer is checked: status 200, a PNG of the image's size, and,
 * when a forbidden answer is given, not those bytes (a masked rendering must differ from the
 * full one).
 */
import { MedVeilError } from '../../src/errors.js';
import { type LatencySummary, pngSize, summarizeLatencies } from './pixel-figures.js';

export interface RenderTarget {
  readonly url: string;
  readonly authorization: string;
}

export interface RenderedInstance {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
}

export function renderedPath(instance: RenderedInstance): string {
  return `/dicom-web/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.sopInstanceUid}/rendered`;
}

/** One rendering, checked for status and PNG size; its bytes. */
export async function fetchRendered(target: RenderTarget, instance: RenderedInstance, size: number): Promise<Buffer> {
  const response = await fetch(`${target.url}${renderedPath(instance)}`, { headers: { authorization: target.authorization, accept: 'image/png' } });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new MedVeilError('http', `${renderedPath(instance)} answered ${response.status}: ${body.subarray(0, 200).toString('latin1')}`);
  const found = pngSize(body);
  if (found === undefined || found.width !== size || found.height !== size) {
    throw new MedVeilError('http', `${renderedPath(instance)} is not a ${size}x${size} PNG (${found === undefined ? 'not a PNG' : `${found.width}x${found.height}`}, ${response.headers.get('content-type')})`);
  }
  return body;
}

/**
 * `requests` sequential renderings cycling over `instances`, after one warm-up pass over them
 * (timed apart: the first rendering of an instance by a server, which may fill caches, such as
 * MedVeil's OCR answers per frame); `mustDiffer` gives, per instance, bytes the answer must not equal.
 */
export async function measureRenderLatency(options: {
  target: RenderTarget;
  instances: readonly RenderedInstance[];
  size: number;
  requests: number;
  mustDiffer?: ReadonlyMap<string, Buffer>;
}): Promise<LatencySummary & { bytes: number; firstRenders: LatencySummary }> {
  const check = (instance: RenderedInstance, body: Buffer): void => {
    if (options.mustDiffer?.get(instance.sopInstanceUid)?.equals(body) === true) {
      throw new MedVeilError('http', `${renderedPath(instance)} answered the full rendering where a masked one was due`);
    }
  };
  const first: number[] = [];
  for (const instance of options.instances) {
    const started = performance.now();
    const body = await fetchRendered(options.target, instance, options.size);
    first.push(performance.now() - started);
    check(instance, body);
  }
  const latencies: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.requests; i++) {
    const instance = options.instances[i % options.instances.length]!;
    const started = performance.now();
    const body = await fetchRendered(options.target, instance, options.size);
    latencies.push(performance.now() - started);
    check(instance, body);
    bytes += body.length;
  }
  return { ...summarizeLatencies(latencies), bytes, firstRenders: summarizeLatencies(first) };
}
