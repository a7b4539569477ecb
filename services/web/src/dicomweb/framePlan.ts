import { NotAcceptableError } from '@telerad/core';
import { explicitVrLittleEndian, pixelEncodingOf } from '@telerad/dicom';
import { type AcceptedMedia, describeAccept, multipartInnerType } from './acceptHeader.js';
import { canonicalMediaType, frameMediaType } from './mediaTypes.js';

/**
 * How frames go out: `raw` native pixels (little endian), `original` the stored compressed
 * fragments, `decode` compressed pixels decoded to native.
 */
export type FramePlan =
  | { kind: 'raw'; partType: string; innerType: string }
  | { kind: 'original'; partType: string; innerType: string }
  | { kind: 'decode'; partType: string; innerType: string };

const OCTET = 'application/octet-stream';
const rawPlan = (kind: 'raw' | 'decode'): FramePlan => ({
  kind,
  partType: `${OCTET}; transfer-syntax=${explicitVrLittleEndian}`,
  innerType: OCTET,
});

/**
 * Chooses, in the client's order of preference, a representation of an instance's frames
 * (PS3.18 §8.7.3): native frames as application/octet-stream; compressed frames as stored when the
 * client takes their media type (image/jls, image/jp2, image/jpeg…) or `transfer-syntax=*`, or decoded
 * when it asks for application/octet-stream and a decoder is there. 406 lists why each range failed.
 */
export function planFrames(
  accepted: readonly AcceptedMedia[],
  transferSyntaxUid: string,
  canDecode: boolean,
): FramePlan {
  const native = pixelEncodingOf(transferSyntaxUid) === 'native';
  const media = frameMediaType(transferSyntaxUid);
  const original = (): FramePlan => ({
    kind: 'original',
    partType: `${media}; transfer-syntax=${transferSyntaxUid}`,
    innerType: media ?? OCTET,
  });
  const reasons: string[] = [];
  for (const range of accepted) {
    const inner = multipartInnerType(range, OCTET);
    if (inner === null) {
      reasons.push(`${range.type} is not served here: frames go out as multipart/related`);
      continue;
    }
    const type = canonicalMediaType(inner);
    const syntax = range.params['transfer-syntax'];
    if (type === '*/*' || (type === 'image/*' && !native)) {
      return native ? rawPlan('raw') : original();
    }
    if (native) {
      if (
        type === OCTET &&
        (syntax === undefined || syntax === '*' || syntax === explicitVrLittleEndian || syntax === transferSyntaxUid)
      ) {
        return rawPlan('raw');
      }
      reasons.push(
        `the pixel data is uncompressed (${transferSyntaxUid}); ${type}${syntax ? `; transfer-syntax=${syntax}` : ''} cannot be produced from it, ask for ${OCTET}`,
      );
      continue;
    }
    if (syntax === '*' || syntax === transferSyntaxUid) {
      if (type === OCTET || type === media) return original();
    }
    if (type === media && syntax === undefined) return original();
    if (type === OCTET && (syntax === undefined || syntax === explicitVrLittleEndian)) {
      if (canDecode) return rawPlan('decode');
      reasons.push(
        `the frames are compressed (${transferSyntaxUid}) and decompressing them is not available; ask for ${media} or transfer-syntax=*`,
      );
      continue;
    }
    reasons.push(
      `the frames are stored as ${media} (${transferSyntaxUid}); ${type}${syntax ? `; transfer-syntax=${syntax}` : ''} cannot be produced from them`,
    );
  }
  throw new NotAcceptableError(
    `none of the accepted media can be produced (${describeAccept(accepted)}): ${reasons.join('; ')}`,
  );
}
