import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type Load, loadSchema } from './loadSchema.js';

/** A load file that cannot be used; the message names the file and the path of each problem. */
export class LoadFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

export function readLoad(file: string): Load {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LoadFileError(`cannot read load file ${file}: ${(error as Error).message}`);
  }
  return parseLoad(raw, file);
}

export function parseLoad(raw: unknown, source = 'load'): Load {
  const parsed = loadSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new LoadFileError(`invalid load file ${source} — ${problems.join('; ')}`);
  }
  return parsed.data;
}
