import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { UserName } from './user-name';

describe('UserName', () => {
  it('isolates a name with a bidi override from the text after it, and shows markup as text', () => {
    const { container } = render(
      <p>
        <UserName name={'\u202Egnp.exe<b>x</b>'} /> lacks a field
      </p>,
    );
    const isolated = container.querySelector('bdi');
    expect(isolated?.textContent).toBe('\u202Egnp.exe<b>x</b>');
    expect(isolated?.className).toContain('[unicode-bidi:isolate]');
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('p')?.lastChild?.textContent).toBe(' lacks a field');
  });
});
