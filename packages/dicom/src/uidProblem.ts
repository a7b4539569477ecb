/**
 * Why a string is not a valid DICOM UID (PS3.5 §9.1), or null when it is one: at most 64
 * characters, digits and dots only, no empty component, and no leading zero in a component
 * other than "0" itself.
 */
export function uidProblem(uid: string): string | null {
  if (uid.length === 0) return 'it is empty';
  if (uid.length > 64) return `it is ${uid.length} characters long (at most 64)`;
  if (!/^[0-9.]+$/.test(uid)) return 'it may contain only digits and dots';
  for (const component of uid.split('.')) {
    if (component.length === 0) return 'it has an empty component';
    if (component.length > 1 && component.startsWith('0')) return `component '${component}' has a leading zero`;
  }
  return null;
}

export function isValidUid(uid: string): boolean {
  return uidProblem(uid) === null;
}
