import { Readable } from 'node:stream';
import { firstInvalidByte, Utf8CheckStream } from './utf8-check.stream';

async function check(chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  const stream = Readable.from(chunks).pipe(new Utf8CheckStream());
  try {
    for await (const chunk of stream) out.push(chunk);
    return Buffer.concat(out).toString('utf8');
  } catch (error) {
    return (error as Error).message;
  }
}

describe('Utf8CheckStream', () => {
  it('passes UTF-8 through unchanged, characters split between chunks included', async () => {
    const text = Buffer.from('Tromsø € 𝄞');
    const chunks = [...text].map((byte) => Buffer.from([byte])); // every byte its own chunk
    expect(await check(chunks)).toBe('Tromsø € 𝄞');
  });

  it('names the offset of the first bad byte, counted across chunks', async () => {
    expect(await check([Buffer.from('abc'), Buffer.from([0x64, 0xff, 0x65])])).toMatch(/at byte 4 /);
    expect(await check([Buffer.from('ab'), Buffer.from([0xe2, 0x82]), Buffer.from('x')])).toMatch(/at byte 2 /);
  });

  it('refuses a character cut off at the end of the body', async () => {
    expect(await check([Buffer.from('ab'), Buffer.from([0xf0, 0x9d])])).toMatch(/at byte 2 /);
  });

  it('knows overlong forms and surrogates are not UTF-8', () => {
    expect(firstInvalidByte(Buffer.from([0x41, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidByte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidByte(Buffer.from('ok €'))).toBe(6);
  });
});
