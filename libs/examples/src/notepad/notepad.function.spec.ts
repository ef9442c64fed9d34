import 'reflect-metadata';
import { NotepadConfig, NoteInput, NoteOutput } from './notepad.dto';
import { NotepadFunction } from './notepad.function';

/** A notepad built as the runtime builds it: config with its defaults, then the configured values. */
function notepad(config: Partial<NotepadConfig> = {}): NotepadFunction {
  return new NotepadFunction(Object.assign(new NotepadConfig(), config));
}

function call(fn: NotepadFunction, action: string, content = ''): NoteOutput {
  return fn.invoke({ action, content } as NoteInput);
}

/** Two notes, as in the reference table. */
function withTwoNotes(config: Partial<NotepadConfig> = { max_notes: 50 }): NotepadFunction {
  const fn = notepad(config);
  call(fn, 'add', 'buy milk');
  call(fn, 'add', 'call bob');
  return fn;
}

describe('per_user_notepad (NotepadFunction)', () => {
  it('has max_notes 100 by default', () => {
    expect(new NotepadConfig().max_notes).toBe(100);
  });

  describe.each<{ row: string; setup: () => NotepadFunction; action: string; content?: string; reply: NoteOutput }>([
    {
      row: 'add, empty content (checked before the limit)',
      setup: () => withTwoNotes({ max_notes: 2 }),
      action: 'add',
      content: '',
      reply: { success: false, message: "Content is required for 'add' action", notes: [], count: 2 },
    },
    {
      row: 'add, at max_notes',
      setup: () => {
        const fn = notepad({ max_notes: 50 });
        for (let i = 0; i < 50; i++) call(fn, 'add', `note ${i}`);
        return fn;
      },
      action: 'add',
      content: 'one too many',
      reply: { success: false, message: 'Maximum notes (50) reached', notes: [], count: 50 },
    },
    {
      row: 'add',
      setup: () => withTwoNotes(),
      action: 'add',
      content: 'third',
      reply: { success: true, message: 'Note added successfully', notes: [], count: 3 },
    },
    {
      row: 'list',
      setup: () => withTwoNotes(),
      action: 'list',
      reply: { success: true, message: 'Found 2 notes', notes: ['buy milk', 'call bob'], count: 2 },
    },
    {
      row: 'clear',
      setup: () => withTwoNotes(),
      action: 'clear',
      reply: { success: true, message: 'Cleared 2 notes', notes: [], count: 0 },
    },
    {
      row: 'count',
      setup: () => withTwoNotes(),
      action: 'count',
      reply: { success: true, message: 'You have 2 notes', notes: [], count: 2 },
    },
    {
      row: 'other',
      setup: () => withTwoNotes(),
      action: 'foo',
      reply: {
        success: false,
        message: "Unknown action: foo. Use 'add', 'list', 'clear', or 'count'",
        notes: [],
        count: 2,
      },
    },
    {
      row: 'other, lower-cased in the message',
      setup: () => withTwoNotes(),
      action: 'FOO',
      reply: {
        success: false,
        message: "Unknown action: foo. Use 'add', 'list', 'clear', or 'count'",
        notes: [],
        count: 2,
      },
    },
    {
      row: 'LIST (action is lower-cased first)',
      setup: () => withTwoNotes(),
      action: 'LIST',
      reply: { success: true, message: 'Found 2 notes', notes: ['buy milk', 'call bob'], count: 2 },
    },
    {
      row: 'Add (action is lower-cased first)',
      setup: () => withTwoNotes(),
      action: 'Add',
      content: 'third',
      reply: { success: true, message: 'Note added successfully', notes: [], count: 3 },
    },
  ])('$row', ({ setup, action, content, reply }) => {
    it('replies exactly as NAT does, keys in order success, message, notes, count', () => {
      const result = call(setup(), action, content);
      expect(JSON.stringify(result)).toBe(JSON.stringify(reply));
    });
  });

  it('adds nothing when the limit is reached', () => {
    const fn = notepad({ max_notes: 1 });
    call(fn, 'add', 'first');
    call(fn, 'add', 'second');
    expect(call(fn, 'list').notes).toEqual(['first']);
  });

  it('adds nothing when the content is empty', () => {
    const fn = notepad();
    call(fn, 'add', '');
    expect(call(fn, 'count').count).toBe(0);
  });

  it('with max_notes 0 refuses every note', () => {
    expect(call(notepad({ max_notes: 0 }), 'add', 'x')).toEqual({
      success: false,
      message: 'Maximum notes (0) reached',
      notes: [],
      count: 0,
    });
  });

  it('lists notes in the order they were added, and nothing after clear', () => {
    const fn = notepad();
    for (const content of ['a', 'b', 'c']) call(fn, 'add', content);
    expect(call(fn, 'list').notes).toEqual(['a', 'b', 'c']);
    call(fn, 'clear');
    expect(call(fn, 'list')).toEqual({ success: true, message: 'Found 0 notes', notes: [], count: 0 });
  });

  it('keeps each instance (each user) apart', () => {
    const alice = notepad();
    const bob = notepad();
    call(alice, 'add', 'alice only');
    expect(call(bob, 'list')).toEqual({ success: true, message: 'Found 0 notes', notes: [], count: 0 });
    expect(call(alice, 'list').notes).toEqual(['alice only']);
  });

  it('returns a list the caller cannot use to change the stored notes', () => {
    const fn = notepad();
    call(fn, 'add', 'kept');
    call(fn, 'list').notes.push('injected');
    expect(call(fn, 'list').notes).toEqual(['kept']);
  });

  describe('saved state (StatefulFunction)', () => {
    /** The state as it comes back from a store: through JSON. */
    const restored = (from: NotepadFunction, config: Partial<NotepadConfig> = {}) => {
      const fn = notepad(config);
      fn.restoreState(JSON.parse(JSON.stringify(from.saveState())));
      return fn;
    };

    it('saves the notes with their timestamps, and a new instance restored from it lists the same notes', () => {
      const before = withTwoNotes();
      const state = before.saveState() as { notes: { content: string; timestamp: string }[] };
      expect(state.notes.map((note) => note.content)).toEqual(['buy milk', 'call bob']);
      expect(state.notes.every((note) => !Number.isNaN(Date.parse(note.timestamp)))).toBe(true);
      const after = restored(before);
      expect(after.saveState()).toEqual(before.saveState());
      expect(call(after, 'list')).toEqual({ success: true, message: 'Found 2 notes', notes: ['buy milk', 'call bob'], count: 2 });
    });

    it('keeps counting against max_notes after a restore', () => {
      const before = notepad({ max_notes: 2 });
      call(before, 'add', 'a');
      call(before, 'add', 'b');
      expect(call(restored(before, { max_notes: 2 }), 'add', 'c').message).toBe('Maximum notes (2) reached');
    });

    it('saves a copy: changing the saved value changes no note', () => {
      const fn = withTwoNotes();
      (fn.saveState() as { notes: { content: string }[] }).notes[0].content = 'tampered';
      expect(call(fn, 'list').notes).toEqual(['buy milk', 'call bob']);
    });

    it('restores nothing from a state that is not its own shape', () => {
      const fn = withTwoNotes();
      fn.restoreState({ notes: [{ content: 1 }, 'x', { content: 'kept', timestamp: '2026-01-01T00:00:00.000Z' }] });
      expect(call(fn, 'list').notes).toEqual(['kept']);
      fn.restoreState(null);
      expect(call(fn, 'count').count).toBe(0);
    });
  });
});
