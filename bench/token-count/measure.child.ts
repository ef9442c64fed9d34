import { countTextTokens } from '@userscope/llm';
import { measureInChild } from '../harness/child-measurement';
import { seededRandom } from '../harness/seeded-random';

/** One kind of text: what Userscope's count took and the tokenizer's whole-text count, on the same text. */
export interface TokenCountTiming {
  kind: string;
  chars: number;
  userscopeMs: number;
  userscopeTokens: number;
  wholeMs: number;
  wholeTokens: number;
}

export interface TokenCountParams {
  chars: number;
}

/** Text the tokenizer has cached nothing of, the same on every run. */
function seededText(length: number, alphabet: string, spaceEvery = 0): string {
  const next = seededRandom(11);
  const chars: string[] = [];
  while (chars.length < length) chars.push(spaceEvery && next() < 1 / spaceEvery ? ' ' : alphabet[Math.floor(next() * alphabet.length)]);
  return chars.join('');
}

const KINDS: Array<[string, (chars: number) => string]> = [
  ['words (random letters, a space every ~6)', (chars) => seededText(chars, 'abcdefghijklmnopqrstuvwxyz', 6)],
  ['letters without a space', (chars) => seededText(chars, 'abcdefghijklmnopqrstuvwxyz')],
  ['CJK without a space', (chars) => seededText(chars, '的一是不了人我在有他这为之大来以个中上们到说时要就出会可也你对生能而子那得于着下自之年过发后作里')],
  ['spaces', (chars) => ' '.repeat(chars - 1) + 'x'],
  ['punctuation', (chars) => seededText(chars, '!@#$%^&*()[]{};:,.<>?/|')],
];

measureInChild<TokenCountParams, TokenCountTiming[]>(async ({ chars }) => {
  const tokenizer = require('gpt-tokenizer') as typeof import('gpt-tokenizer');
  const plain = { disallowedSpecial: new Set<string>() };
  // Loads the encoding, and runs both ways over every kind once (on other texts), so neither is timed cold.
  for (const [, make] of KINDS) {
    const warm = make(2_000).split('').sort().join('');
    countTextTokens(warm);
    tokenizer.countTokens(warm.split('').reverse().join(''), plain);
  }
  const timings: TokenCountTiming[] = [];
  for (const [kind, make] of KINDS) {
    // Each on a text of its own, so neither finds the other's pieces in the tokenizer's cache.
    const mine = make(chars);
    let started = performance.now();
    const userscopeTokens = countTextTokens(mine);
    const userscopeMs = performance.now() - started;
    const whole = make(chars).split('').reverse().join('');
    started = performance.now();
    const wholeTokens = tokenizer.countTokens(whole, plain);
    timings.push({ kind, chars, userscopeMs, userscopeTokens, wholeMs: performance.now() - started, wholeTokens });
  }
  return timings;
});
