/**
 * The URLs of the DICOMweb resources (PS3.18 10.1) as MedVeil serves them, and the check of the
 * UIDs a request names in its path. A UID is PS3.5 9.1 exactly: digits and dots, no leading
 * zero in a component, at most 64 characters. Everything else is refused before any lookup:
 * "%2F" and "%252F" (which the router decodes once, to "/" and "%2F"), "..", letters in any
 * case, spaces, an empty segment.
 */

/** Where the DICOMweb routes live. */
export const DICOMWEB_PREFIX = '/dicom-web';

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export function isUid(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 && UID.test(value);
}

/** The parents and instance a retrieve URL names. */
export interface ResourcePath {
  readonly studyUid: string;
  readonly seriesUid?: string;
  readonly sopInstanceUid?: string;
}

/** The path of a study, series or instance resource: `/dicom-web/studies/{study}[/series/{series}[/instances/{instance}]]`. */
export function resourcePath(path: ResourcePath): string {
  let url = `${DICOMWEB_PREFIX}/studies/${path.studyUid}`;
  if (path.seriesUid !== undefined) url += `/series/${path.seriesUid}`;
  if (path.seriesUid !== undefined && path.sopInstanceUid !== undefined) url += `/instances/${path.sopInstanceUid}`;
  return url;
}

// RFC 3986 3.2.2 host and 3.2.3 port, as a Host header carries them; nothing else is echoed back.
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(:[0-9]{1,5})?$/;

/**
 * The scheme and authority a response's URLs (Retrieve URL, BulkDataURI) start with: the ones
 * the request came to, so that a client behind the same name can follow them. A Host header
 * that is not a plain host name or address gives relative URLs instead.
 */
export function baseUrlOf(request: { readonly protocol: string; readonly host: string | undefined }): string {
  const host = request.host;
  if (host === undefined || !HOST.test(host)) return '';
  return `${request.protocol === 'https' ? 'https' : 'http'}://${host}`;
}

/** The JSON Schema of a route's UID parameters, for the OpenAPI document (the values are checked by `pathUids`). */
export function uidParamsSchema(names: readonly string[]) {
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, { type: 'string', description: `${name === 'instance' ? 'SOP' : name} Instance UID` }])),
    required: [...names],
  };
}
