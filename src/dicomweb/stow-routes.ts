/**
 * STOW-RS (PS3.18 10.5): `POST /dicom-web/studies[/{study}]` with a multipart/related body of
 * application/dicom parts (PS3.10 files). The body is read one part at a time, each part is
 * ingested (ingest-instance.ts: validate, hash, classify, encrypt, audit, index) before the
 * next is read, and the sizes are bounded: parts, bytes per part, bytes in all.
 *
 * Who may store: an API token with `dicomweb:store`, or a person with a role of STORE_ROLES
 * (dicomweb-actor.ts); anyone else is refused before the body is read.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringifyDicomJson } from '../dicom/json/index.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { ingestInstance, type IngestDeps } from '../gateway/ingest-instance.js';
import { storeSource } from './dicomweb-actor.js';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { baseUrlOf, DICOMWEB_PREFIX } from './dicomweb-paths.js';
import { acceptedRanges, accepts, isRefusal, notAcceptable, pathUids, refuse } from './dicomweb-reply.js';
import { parseMediaType } from './media-type.js';
import { isValidBoundary, type MultipartPart, type MultipartProblem, MultipartRelatedReader } from './multipart-related-reader.js';
import { type FailedInstance, FailureReason, INGEST_FAILURE_REASONS, type StoredInstance, stowResponse } from './stow-response.js';

const DICOM_JSON = 'application/dicom+json';

export function registerStowRoutes(app: FastifyInstance, deps: DicomwebRouteDeps): void {
  // Every body stays a stream: the route reads a multipart one part by part
  // (multipart-related-reader.ts) and refuses any other type with its own message.
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  for (const url of ['/studies', '/studies/:study']) {
    const named = url.includes(':study');
    app.post(
      DICOMWEB_PREFIX + url,
      {
        config: { access: { scope: 'dicomweb:store' }, auditType: 'ingest' },
        schema: {
          summary: named ? 'Store instances into one study (STOW-RS)' : 'Store instances (STOW-RS)',
          description:
            'PS3.18 10.5. Body: multipart/related; type="application/dicom", one PS3.10 file per part. For API tokens with dicomweb:store and technicians. ' +
            'Answers the Store Instances Response Module (application/dicom+json): 200 all stored, 202 some failed, 409 none stored.',
          tags: ['dicomweb'],
          ...(named ? { params: { type: 'object', properties: { study: { type: 'string', description: 'Study Instance UID' } }, required: ['study'] } } : {}),
        },
      },
      (request, reply) => store(deps, request, reply, named),
    );
  }
}

interface StowProgress {
  readonly stored: StoredInstance[];
  readonly failed: FailedInstance[];
}

async function store(deps: DicomwebRouteDeps, request: FastifyRequest, reply: FastifyReply, named: boolean): Promise<FastifyReply> {
  const source = storeSource(request.medveil.principal);
  if (!source.allowed) {
    return refuse(request, reply, { status: 403, error: 'forbidden', message: 'storing needs an API token with dicomweb:store or a technician account', deny: true });
  }
  let studyUid: string | undefined;
  if (named) {
    const uids = pathUids(request.params as Record<string, unknown>, ['study']);
    if (isRefusal(uids)) return refuse(request, reply, uids);
    studyUid = uids.study;
  }
  const ranges = acceptedRanges(request);
  if (ranges === undefined || !(accepts(ranges, 'application', 'dicom+json') || accepts(ranges, 'application', 'json'))) {
    return refuse(request, reply, notAcceptable(`STOW-RS answers ${DICOM_JSON}; send Accept: ${DICOM_JSON}`));
  }
  const contentType = parseMediaType(request.headers['content-type']);
  const boundary = contentType?.parameters.get('boundary');
  const type = contentType?.parameters.get('type')?.toLowerCase();
  if (contentType === undefined || contentType.type !== 'multipart' || contentType.subtype !== 'related' || (type !== undefined && type !== 'application/dicom')) {
    return refuse(request, reply, { status: 415, error: 'unsupported-media-type', message: 'send multipart/related; type="application/dicom" with one PS3.10 file per part (metadata and bulk data parts are not supported)' });
  }
  if (boundary === undefined || !isValidBoundary(boundary)) {
    return refuse(request, reply, { status: 400, error: 'malformed-body', message: 'the Content-Type has no boundary, or one that RFC 2046 does not allow' });
  }

  const ingestDeps: IngestDeps = {
    index: deps.index,
    objects: deps.objects,
    audit: request.medveil.audit,
    sensitivityRules: deps.sensitivityRules,
    patientKey: deps.patientKey,
    suite: deps.suite,
    maxObjectBytes: deps.limits.maxObjectBytes,
  };
  const progress: StowProgress = { stored: [], failed: [] };
  const ingestPart = async (part: MultipartPart): Promise<void> => {
    const partType = parseMediaType(part.headers.get('content-type') ?? 'application/dicom');
    if (partType === undefined || partType.type !== 'application' || partType.subtype !== 'dicom') {
      await request.medveil.audit.append({ type: 'ingest', outcome: 'minor-failure', actor: source.actor, detail: { via: 'stow-rs', refused: 'part-media-type' } });
      progress.failed.push({ failureReason: FailureReason.CannotUnderstand });
      return;
    }
    if (studyUid !== undefined) {
      const other = studyOf(part.body);
      if (other !== undefined && other.studyUid !== studyUid) {
        await request.medveil.audit.append({
          type: 'ingest',
          outcome: 'minor-failure',
          actor: source.actor,
          ...(other.sopInstanceUid === undefined ? {} : { objects: [{ instance: other.sopInstanceUid }] }),
          detail: { via: 'stow-rs', refused: 'study-mismatch' },
        });
        progress.failed.push({ ...other.sop, failureReason: FailureReason.DataSetDoesNotMatchSopClass });
        return;
      }
    }
    const result = await ingestInstance(ingestDeps, { kind: 'part10', bytes: part.body }, { actor: source.actor, via: 'stow-rs', ...(source.department === undefined ? {} : { department: source.department }) });
    if (result.outcome === 'refused') {
      progress.failed.push({
        ...(result.sopClassUid === undefined ? {} : { sopClassUid: result.sopClassUid }),
        ...(result.sopInstanceUid === undefined ? {} : { sopInstanceUid: result.sopInstanceUid }),
        failureReason: INGEST_FAILURE_REASONS[result.refusal],
      });
    } else {
      progress.stored.push({ studyUid: result.studyUid, seriesUid: result.seriesUid, sopClassUid: result.sopClassUid, sopInstanceUid: result.sopInstanceUid });
    }
  };

  const problem = await readParts(request.body as Readable, boundary, deps, ingestPart);
  const baseUrl = baseUrlOf(request);
  if (problem !== undefined) {
    reply.header('connection', 'close');
    const status = problem.problem === 'malformed' ? 400 : 413;
    if (progress.stored.length === 0 && progress.failed.length === 0) {
      return refuse(request, reply, { status, error: problem.problem === 'malformed' ? 'malformed-body' : 'body-too-large', message: problem.message });
    }
    reply.header('warning', `299 medveil "the body was refused after ${progress.stored.length + progress.failed.length} parts: ${problem.message.replace(/["\\]/g, '')}"`);
    request.medveil.reason = problem.problem;
    const response = stowResponse(progress.stored, progress.failed, { baseUrl, ...(studyUid === undefined ? {} : { studyUid }) });
    return reply.code(progress.stored.length > 0 ? 202 : 409).type(DICOM_JSON).send(stringifyDicomJson(response.body));
  }
  if (progress.stored.length === 0 && progress.failed.length === 0) {
    return refuse(request, reply, { status: 400, error: 'malformed-body', message: 'the body has no part' });
  }
  const response = stowResponse(progress.stored, progress.failed, { baseUrl, ...(studyUid === undefined ? {} : { studyUid }) });
  if (response.status !== 200) request.medveil.reason = 'some-instances-failed';
  return reply.code(response.status).type(DICOM_JSON).send(stringifyDicomJson(response.body));
}

/**
 * Feeds the body to the reader and each completed part to `onPart`, in order, before reading on.
 * Returns the problem that stopped it, if any.
 */
async function readParts(
  body: Readable,
  boundary: string,
  deps: DicomwebRouteDeps,
  onPart: (part: MultipartPart) => Promise<void>,
): Promise<{ problem: MultipartProblem; message: string } | undefined> {
  const reader = new MultipartRelatedReader(boundary, { maxParts: deps.limits.maxStowParts, maxPartBytes: deps.limits.maxObjectBytes });
  // Read by hand: leaving a for-await early would destroy the request and its socket before
  // the refusal is sent. A refused body is left unread and the connection closed after the answer.
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let total = 0;
  let done = false;
  for (;;) {
    const next = await chunks.next();
    if (next.done === true) break;
    total += next.value.length;
    if (total > deps.limits.maxStowBytes) return { problem: 'part-too-large', message: `the body is larger than ${deps.limits.maxStowBytes} bytes` };
    // The epilogue after the closing delimiter is read and ignored (RFC 2046 5.1.1).
    if (done) continue;
    const step = reader.push(next.value);
    if (!step.ok) return step;
    for (const part of step.parts) await onPart(part);
    done = step.done;
  }
  const end = reader.finish();
  return end.ok ? undefined : end;
}

/** The study and SOP UIDs of a part, when it can be read at all (ingest reports the rest). */
function studyOf(bytes: Buffer): { studyUid: string | undefined; sopInstanceUid: string | undefined; sop: { sopClassUid?: string; sopInstanceUid?: string } } | undefined {
  try {
    const { dataset } = readDicomFile(bytes);
    const text = (tag: number) => dataset.getString(tag)?.trim() || undefined;
    const sopClassUid = text(Tag.SOPClassUID);
    const sopInstanceUid = text(Tag.SOPInstanceUID);
    const valid = (uid: string | undefined) => uid !== undefined && /^[0-9.]{1,64}$/.test(uid);
    return {
      studyUid: text(Tag.StudyInstanceUID),
      sopInstanceUid: valid(sopInstanceUid) ? sopInstanceUid : undefined,
      sop: { ...(valid(sopClassUid) ? { sopClassUid: sopClassUid! } : {}), ...(valid(sopInstanceUid) ? { sopInstanceUid: sopInstanceUid! } : {}) },
    };
  } catch {
    return undefined;
  }
}
