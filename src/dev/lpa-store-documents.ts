import { readFileSync } from 'node:fs';
import { LPA_STORE_UID_FORMAT } from '../lpa-store/lpa-store-uid';
import { jsonFiles } from './fixture-store';
import { isObject, type Json, type JsonObject } from './lpa-store-lifecycle';

/**
 * LPA documents given to the simulator instead of its seed: a JSON file, or every `.json` file in a
 * folder, each holding one LPA document (the store's own shape, served untouched) or an array of them.
 */
export function loadLpaDocuments(path: string): JsonObject[] {
  const files = jsonFiles(path);
  const seen = new Set<string>();
  return files.flatMap((file) => {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const items = Array.isArray(parsed) ? parsed : [parsed];
    return items.map((item, index) => {
      const where = Array.isArray(parsed) ? `${file}[${index}]` : file;
      if (!isObject(item)) throw new Error(`${where}: not an LPA document`);
      if (typeof item.uid !== 'string' || !LPA_STORE_UID_FORMAT.test(item.uid)) throw new Error(`${where}: no uid like M-7890-0400-4000`);
      if (seen.has(item.uid)) throw new Error(`${where}: ${item.uid} is given twice`);
      seen.add(item.uid);
      return item;
    });
  });
}
