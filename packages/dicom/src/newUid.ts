import { randomUUID } from 'node:crypto';

/**
 * A new globally unique UID under the `2.25` root (PS3.5 §B.2): the decimal form of a random
 * 128-bit UUID, so no organisation root has to be registered and two generators never collide.
 */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString(10)}`;
}
