import type { Draft } from './workflow-draft';

const DRAFT_KEY = 'userscope.editor.draft';

/** An unsaved draft, kept in this browser until it is saved or discarded. */
export interface StoredDraft {
  /** The saved workflow it changes; undefined for a new one. */
  original?: string;
  draft: Draft;
  savedAt: string;
}

/** The kept draft of `original` (undefined: of a new workflow), if there is one. */
export function loadDraft(original: string | undefined): StoredDraft | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as StoredDraft | null;
    if (!stored || typeof stored.draft !== 'object' || !Array.isArray(stored.draft?.nodes)) return undefined;
    return stored.original === original ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `draft` (one at a time: the editor edits one workflow). */
export function storeDraft(original: string | undefined, draft: Draft): void {
  const entry: StoredDraft = { ...(original === undefined ? {} : { original }), draft, savedAt: new Date().toISOString() };
  localStorage.setItem(DRAFT_KEY, JSON.stringify(entry));
}

export function clearDraft(): void {
  localStorage.removeItem(DRAFT_KEY);
}
