import type { Workflow } from '@/lib/api';
import { draftOf, duplicateOf, newDraft, type Draft } from './workflow-draft';

/** What the editor is open on: a saved workflow, or a new one (blank or a duplicate). */
export interface EditorTarget {
  original?: Workflow;
  initial: Draft;
  /** Restore a kept unsaved draft of it (not for a fresh duplicate). */
  restore: boolean;
  /** Tells two openings apart, so the editor starts afresh. */
  key: string;
}

let openings = 0;

export const editTarget = (workflow: Workflow): EditorTarget => ({ original: workflow, initial: draftOf(workflow), restore: true, key: `${++openings}` });

export const newTarget = (workflows: readonly Workflow[], llm?: string): EditorTarget => ({
  initial: newDraft(new Set(workflows.map((w) => w.id)), llm),
  restore: true,
  key: `${++openings}`,
});

export const duplicateTarget = (draft: Draft, workflows: readonly Workflow[]): EditorTarget => ({
  initial: duplicateOf(draft, new Set(workflows.map((w) => w.id))),
  restore: false,
  key: `${++openings}`,
});
