/**
 * Content negotiation of WADO-RS (PS3.18 8.7.8): which transfer syntax an instance is served in,
 * and which media type a frame is served as, from the Accept header and the syntax the object
 * is stored in. A full view's pixels are converted only between the native syntaxes (and out of
 * Deflated), never decoded for it; compressed pixel data is served as stored. (Masked pixels are
 * always made native, Explicit VR Little Endian: wado-routes.ts, wado-pixel-routes.ts.)
 *
 * - Instances: `transfer-syntax=*` or the stored UID gets the stored bytes. No parameter asks
 *   for the default, Explicit VR Little Endian (Table 8.7.3-2), which a native object is
 *   converted to; an object held only in compressed form is served as stored, as PS3.18 8.7.3.1
 *   allows for that case. Another UID that cannot be reached is not acceptable (406).
 * - Frames: native pixel data is application/octet-stream, little endian (8.7.3.3.1);
 *   compressed frames keep their own media type (Table 8.7.3-5).
 */
import { EXPLICIT_VR_LITTLE_ENDIAN, lookupTransferSyntax } from '../dicom/transfer-syntax.js';
import { type MediaRange, rangeCovers } from './media-type.js';

export type Choice<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Table 8.7.3-5 (and the names dicomweb-client also sends for RLE and JPEG-LS). */
const COMPRESSED_MEDIA_TYPES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.1.2.4.50', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.51', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.57', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.70', 'image/jpeg'],
  ['1.2.840.10008.1.2.4.80', 'image/jls'],
  ['1.2.840.10008.1.2.4.81', 'image/jls'],
  ['1.2.840.10008.1.2.4.90', 'image/jp2'],
  ['1.2.840.10008.1.2.4.91', 'image/jp2'],
  ['1.2.840.10008.1.2.4.92', 'image/jpx'],
  ['1.2.840.10008.1.2.4.93', 'image/jpx'],
  ['1.2.840.10008.1.2.4.110', 'image/jxl'],
  ['1.2.840.10008.1.2.4.111', 'image/jxl'],
  ['1.2.840.10008.1.2.4.112', 'image/jxl'],
  ['1.2.840.10008.1.2.4.201', 'image/jphc'],
  ['1.2.840.10008.1.2.4.202', 'image/jphc'],
  ['1.2.840.10008.1.2.4.203', 'image/jphc'],
  ['1.2.840.10008.1.2.5', 'image/dicom-rle'],
]);

const ALIASES: ReadonlyMap<string, string> = new Map([
  ['image/x-dicom-rle', 'image/dicom-rle'],
  ['image/x-jls', 'image/jls'],
]);

/** Whether the stored syntax keeps pixel data uncompressed (and so can be converted here). */
export function isNativeSyntax(uid: string): boolean {
  const syntax = lookupTransferSyntax(uid);
  return syntax !== undefined && !syntax.encapsulated;
}

/** The media type of one compressed frame of `uid`, or undefined when frames cannot be served alone. */
export function compressedFrameMediaType(uid: string): string | undefined {
  return COMPRESSED_MEDIA_TYPES.get(uid);
}

/** The type of the parts a `multipart/related` range asks for; `*` for a range that names none or any. */
function partType(range: MediaRange): string | undefined {
  if (range.type === '*' || (range.type === 'multipart' && range.subtype === '*')) return '*';
  if (range.type !== 'multipart' || range.subtype !== 'related') return undefined;
  const type = range.parameters.get('type')?.toLowerCase();
  if (type === undefined) return '*';
  return ALIASES.get(type) ?? type;
}

/** Whether some range accepts multipart/related parts of `type` at all, whatever transfer syntax it names. */
export function acceptsParts(ranges: readonly MediaRange[], type: string): boolean {
  return byQuality(ranges).some((range) => {
    const asked = partType(range);
    return asked === '*' || asked === type;
  });
}

function byQuality(ranges: readonly MediaRange[]): MediaRange[] {
  return ranges.filter((range) => range.quality > 0).sort((a, b) => b.quality - a.quality);
}

/** The transfer syntax an instance is served in (multipart/related; type="application/dicom"). */
export function chooseInstanceSyntax(ranges: readonly MediaRange[], storedUid: string): Choice<string> {
  const native = isNativeSyntax(storedUid);
  for (const range of byQuality(ranges)) {
    const type = partType(range);
    if (type !== '*' && type !== 'application/dicom') continue;
    const asked = range.parameters.get('transfer-syntax');
    if (asked === '*' || asked === storedUid) return { ok: true, value: storedUid };
    if (asked === undefined) return { ok: true, value: native ? EXPLICIT_VR_LITTLE_ENDIAN : storedUid };
    const target = lookupTransferSyntax(asked);
    if (native && target !== undefined && !target.encapsulated) return { ok: true, value: target.uid };
  }
  return {
    ok: false,
    message: `the instance is held in transfer syntax ${storedUid}; ask for multipart/related; type="application/dicom" with transfer-syntax=* or that syntax${native ? ' (or another uncompressed one)' : ''}`,
  };
}

/** The media type and transfer syntax of the frames of an instance stored in `storedUid`. */
export function chooseFrameMediaType(ranges: readonly MediaRange[], storedUid: string): Choice<{ mediaType: string; transferSyntaxUid: string }> {
  const native = isNativeSyntax(storedUid);
  const compressed = native ? undefined : compressedFrameMediaType(storedUid);
  if (!native && compressed === undefined) return { ok: false, message: `frames of transfer syntax ${storedUid} cannot be served one by one` };
  for (const range of byQuality(ranges)) {
    const type = partType(range);
    if (type === undefined) continue;
    const asked = range.parameters.get('transfer-syntax');
    if (native) {
      const octets = type === '*' || type === 'application/octet-stream';
      if (octets && (asked === undefined || asked === '*' || asked === EXPLICIT_VR_LITTLE_ENDIAN)) {
        return { ok: true, value: { mediaType: 'application/octet-stream', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN } };
      }
      continue;
    }
    const [major, minor] = compressed!.split('/') as [string, string];
    const covers = type === '*' || (type.includes('/') && rangeCovers({ type: type.split('/')[0]!, subtype: type.split('/')[1]! }, major, minor));
    const anyOctets = type === 'application/octet-stream' && asked === '*';
    if ((covers && (asked === undefined || asked === '*' || asked === storedUid)) || anyOctets) {
      return { ok: true, value: { mediaType: compressed!, transferSyntaxUid: storedUid } };
    }
  }
  return {
    ok: false,
    message: native
      ? 'the frames are uncompressed; ask for multipart/related; type="application/octet-stream"'
      : `the frames are held compressed (transfer syntax ${storedUid}) and MedVeil does not decompress yet; ask for multipart/related; type="${compressed}"`,
  };
}
