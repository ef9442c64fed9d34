import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SettingsDialog } from '@/features/settings/settings-dialog';
import { renderWithProviders } from '@/test/render';
import { followSystemTheme, resolveTheme, useTheme } from './theme';

/** An OS colour scheme the test can switch, as `matchMedia('(prefers-color-scheme: dark)')` reports it. */
function osScheme(dark: boolean) {
  const listeners = new Set<() => void>();
  const list = {
    get matches() {
      return dark;
    },
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal('matchMedia', (query: string) => (query === '(prefers-color-scheme: dark)' ? list : { matches: false, addEventListener() {}, removeEventListener() {} }));
  return {
    switchTo(next: boolean) {
      dark = next;
      for (const listener of listeners) listener();
    },
  };
}

function ThemeProbe() {
  const { choice, theme, setChoice } = useTheme();
  return (
    <button type="button" onClick={() => setChoice(theme === 'dark' ? 'light' : 'dark')}>
      {choice}:{theme}
    </button>
  );
}

const isDark = () => document.documentElement.classList.contains('dark');

describe('theme', () => {
  let stop = () => {};
  beforeEach(() => document.documentElement.classList.remove('dark'));
  afterEach(() => {
    stop();
    vi.unstubAllGlobals();
  });

  it('resolves a choice: system follows the OS, light and dark are fixed', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('follows the OS until the user picks one, and keeps that pick across reloads', async () => {
    const os = osScheme(true);
    stop = followSystemTheme();
    expect(isDark()).toBe(true);
    expect(document.documentElement.style.colorScheme).toBe('dark');
    const user = userEvent.setup();
    render(<ThemeProbe />);
    expect(screen.getByRole('button')).toHaveTextContent('system:dark');

    os.switchTo(false); // the OS goes light: so does the page, it follows
    expect(isDark()).toBe(false);
    expect(await screen.findByText('system:light')).toBeInTheDocument();

    await user.click(screen.getByRole('button')); // the toggle: dark, persisted
    expect(isDark()).toBe(true);
    expect(localStorage.getItem('userscope.theme')).toBe('dark');
    os.switchTo(false);
    expect(isDark()).toBe(true); // a fixed choice ignores the OS
    stop();

    stop = followSystemTheme(); // a reload
    expect(isDark()).toBe(true);
  });

  it('returns to following the system from the settings', async () => {
    osScheme(false);
    localStorage.setItem('userscope.theme', 'dark');
    stop = followSystemTheme();
    const user = userEvent.setup();
    renderWithProviders(<SettingsDialog open onOpenChange={() => {}} />);
    const themes = within(screen.getByRole('dialog', { name: 'Settings' })).getByRole('radiogroup', { name: 'Theme' });
    expect(within(themes).getByRole('radio', { name: 'Dark' })).toHaveAttribute('aria-checked', 'true');
    await user.click(within(themes).getByRole('radio', { name: 'Follow the system' }));
    expect(localStorage.getItem('userscope.theme')).toBeNull();
    expect(isDark()).toBe(false);
  });
});
