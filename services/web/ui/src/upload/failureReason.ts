/**
 * The STOW-RS FailureReason (0008,1197) codes of PS3.18 Table I.2-1 / PS3.4 Annex GG, as the key
 * of a sentence the radiographer can act on.
 */
export function failureReasonKey(code: number | null): string {
  if (code === null) return 'upload.reason.unknown';
  if (code === 0x0110) return 'upload.reason.processing';
  if (code === 0x0122 || code === 0x0124) return 'upload.reason.sopClass';
  if (code === 0xc122) return 'upload.reason.transferSyntax';
  if (code >= 0xa700 && code <= 0xa7ff) return 'upload.reason.resources';
  if (code >= 0xa900 && code <= 0xa9ff) return 'upload.reason.mismatch';
  if (code >= 0xc000 && code <= 0xcfff) return 'upload.reason.unreadable';
  return 'upload.reason.unknown';
}

export function hexCode(code: number | null): string {
  return code === null ? '' : `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
