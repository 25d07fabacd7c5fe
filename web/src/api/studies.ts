/**
 * The studies page's calls (docs/dicomweb.md, docs/access.md): QIDO-RS searches, the access of
 * each study (`POST /api/studies/access`) and server-rendered frames (WADO-RS `.../rendered`),
 * all with the session's bearer token. The server decides full or masked for every call and
 * masks what it answers; nothing here unmasks or computes pixels.
 */
import { api, ApiError, sessionRefused } from './client';

export const DICOMWEB_ROOT = '/dicom-web';

/** One attribute of a PS3.18 F.2 JSON object. */
interface JsonAttribute {
  readonly vr: string;
  readonly Value?: readonly unknown[];
}
/** A QIDO-RS match: attributes by tag, upper-case hex (`0020000D`). */
export type DicomJson = Readonly<Record<string, JsonAttribute | undefined>>;

export const TAG = {
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
  PatientName: '00100010',
  PatientID: '00100020',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  ModalitiesInStudy: '00080061',
  StudyDescription: '00081030',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  Modality: '00080060',
  SeriesNumber: '00200011',
  SeriesDescription: '0008103E',
  BodyPartExamined: '00180015',
  NumberOfSeriesRelatedInstances: '00201209',
  InstanceNumber: '00200013',
  Rows: '00280010',
  Columns: '00280011',
  NumberOfFrames: '00280008',
  BitsAllocated: '00280100',
} as const;

/** The attribute's values as text (a person name by its alphabetic group), '' for none. */
export function text(match: DicomJson, tag: string): string {
  const values = match[tag]?.Value ?? [];
  return values
    .map((value) => (typeof value === 'object' && value !== null ? String((value as { Alphabetic?: unknown }).Alphabetic ?? '') : String(value ?? '')))
    .filter((value) => value !== '')
    .join(', ');
}

export function whole(match: DicomJson, tag: string): number | undefined {
  const value = Number(match[tag]?.Value?.[0]);
  return Number.isFinite(value) ? value : undefined;
}

/** A refusal of a DICOMweb call as the console shows API refusals (its body is `{ error, message }`). */
async function refusal(response: Response, token: string): Promise<ApiError> {
  let body: { error?: unknown; message?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON: the status says enough.
  }
  if (response.status === 401 && body.error === 'invalid-token' && token !== '') sessionRefused();
  return new ApiError(response.status, typeof body.error === 'string' ? body.error : `http-${response.status}`, typeof body.message === 'string' ? body.message : response.statusText);
}

async function dicomweb(path: string, token: string, accept: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(DICOMWEB_ROOT + path, { headers: { accept, authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store', ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  if (!response.ok) throw await refusal(response, token);
  return response;
}

/** A QIDO-RS search (PS3.18 10.6); 204 (nothing matches) is an empty list. */
export async function qido(path: string, token: string, query: URLSearchParams = new URLSearchParams()): Promise<DicomJson[]> {
  const search = query.toString();
  const response = await dicomweb(search === '' ? path : `${path}?${search}`, token, 'application/dicom+json');
  if (response.status === 204) return [];
  const body = (await response.json()) as unknown;
  return Array.isArray(body) ? (body as DicomJson[]) : [];
}

/** What the search form asks; empty fields ask nothing. */
export interface StudyCriteria {
  readonly patientName: string;
  readonly patientId: string;
  readonly modality: string;
  /** `YYYY-MM-DD` from the date inputs. */
  readonly dateFrom: string;
  readonly dateTo: string;
  readonly accession: string;
}

export const NO_CRITERIA: StudyCriteria = { patientName: '', patientId: '', modality: '', dateFrom: '', dateTo: '', accession: '' };

/** The most studies one search shows (and one access query can take: MAX_STUDIES_PER_ACCESS_QUERY). */
export const STUDY_PAGE = 100;

/**
 * The QIDO-RS parameters of the criteria (docs/query.md). A name without a wild card is matched
 * as a prefix (`WANG` finds `WANG^LI`); a date range is `from-to`, either end open.
 */
export function studyQuery(criteria: StudyCriteria): URLSearchParams {
  const query = new URLSearchParams();
  const name = criteria.patientName.trim();
  if (name !== '') query.set('PatientName', /[*?]/.test(name) ? name : `${name}*`);
  if (criteria.patientId.trim() !== '') query.set('PatientID', criteria.patientId.trim());
  if (criteria.modality.trim() !== '') query.set('ModalitiesInStudy', criteria.modality.trim().toUpperCase());
  if (criteria.accession.trim() !== '') query.set('AccessionNumber', criteria.accession.trim());
  const day = (value: string) => value.replaceAll('-', '');
  if (criteria.dateFrom !== '' || criteria.dateTo !== '') query.set('StudyDate', criteria.dateFrom === criteria.dateTo ? day(criteria.dateFrom) : `${day(criteria.dateFrom)}-${day(criteria.dateTo)}`);
  query.set('limit', String(STUDY_PAGE));
  return query;
}

/** The form's criteria in the page's address (so that Back returns to the same results), and back. */
export function criteriaFromAddress(search: string): StudyCriteria | undefined {
  const params = new URLSearchParams(search);
  if (![...params.keys()].some((key) => key in NO_CRITERIA)) return undefined;
  const read = (key: keyof StudyCriteria) => params.get(key) ?? '';
  return { patientName: read('patientName'), patientId: read('patientId'), modality: read('modality'), dateFrom: read('dateFrom'), dateTo: read('dateTo'), accession: read('accession') };
}

export function criteriaAddress(criteria: StudyCriteria): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(criteria)) if (value !== '') params.set(key, value);
  const search = params.toString();
  // An empty search is still a search: the address says one was made.
  return search === '' ? '?patientName=' : `?${search}`;
}

/** The address of the tab's last search, for the viewer's way back (kept like the session, in the tab). */
const SEARCH_KEY = 'medveil.console.studies.search';
export function rememberSearch(address: string): void {
  try {
    window.sessionStorage.setItem(SEARCH_KEY, address);
  } catch {
    // Without storage the way back is the empty search page.
  }
}
export function rememberedSearch(): string {
  try {
    return window.sessionStorage.getItem(SEARCH_KEY) ?? '';
  } catch {
    return '';
  }
}

export type AccessEffect = 'full' | 'masked' | 'denied';

/** The answer of POST /api/studies/access for one study (src/gateway/study-access.ts). */
export type StudyAccess =
  | { readonly studyUid: string; readonly known: false }
  | { readonly studyUid: string; readonly known: true; readonly view: AccessEffect; readonly export: AccessEffect; readonly requestable: boolean; readonly reasons: readonly string[] };

export async function studyAccess(studyUids: readonly string[], token: string): Promise<Map<string, StudyAccess>> {
  if (studyUids.length === 0) return new Map();
  const answer = await api<{ studies: StudyAccess[] }>('POST', '/api/studies/access', { token, body: { studyUids } });
  return new Map(answer.studies.map((study) => [study.studyUid, study]));
}

/** PS3.18 8.3.5.1.4: the VOI window of a rendered image, in the values after the Modality LUT. */
export interface VoiWindow {
  readonly center: number;
  readonly width: number;
}

export interface FrameAddress {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly instanceUid: string;
  /** From 1. */
  readonly frame: number;
}

export function renderedFramePath(at: FrameAddress, window: VoiWindow | undefined): string {
  const path = `/studies/${at.studyUid}/series/${at.seriesUid}/instances/${at.instanceUid}/frames/${at.frame}/rendered`;
  return window === undefined ? path : `${path}?window=${encodeURIComponent(`${window.center},${window.width}`)}`;
}

/** One frame rendered by the server as PNG: the original for a full view, the masked frame for a masked one. */
export async function renderedFrame(at: FrameAddress, window: VoiWindow | undefined, token: string, signal: AbortSignal): Promise<Blob> {
  return (await dicomweb(renderedFramePath(at, window), token, 'image/png', signal)).blob();
}

/** PS3.5 9.1: what the viewer accepts as a Study Instance UID in its address. */
export function isUid(value: string): boolean {
  return value.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/.test(value);
}
