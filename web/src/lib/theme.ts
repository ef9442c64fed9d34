import { useSyncExternalStore } from 'react';

/** What the user chose: follow the OS (`prefers-color-scheme`), or a fixed one. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'userscope.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

export function themeChoice(): ThemeChoice {
  const stored = localStorage.getItem(KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

/** The theme shown for a choice: `system` is the OS's. */
export function resolveTheme(choice: ThemeChoice, prefersDark = systemPrefersDark()): Theme {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
}

/** Puts the theme on the document: the `dark` class the colours follow (index.css), and the native controls' scheme. */
export function applyTheme(): void {
  const theme = resolveTheme(themeChoice());
  document.documentElement.classList.toggle('dark', theme === 'dark');
  document.documentElement.style.colorScheme = theme;
}

/** Keeps the choice in this browser (the system's when `system`) and shows it. */
export function setThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  applyTheme();
  for (const listener of listeners) listener();
}

/** Applies the theme now, and again whenever the OS switches while the page follows it. */
export function followSystemTheme(): () => void {
  applyTheme();
  if (typeof window.matchMedia !== 'function') return () => {};
  const list = window.matchMedia(DARK_QUERY);
  const onChange = () => {
    applyTheme();
    for (const listener of listeners) listener();
  };
  list.addEventListener('change', onChange);
  return () => list.removeEventListener('change', onChange);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The choice and the theme it shows, following changes from any component and from the OS. */
export function useTheme(): { choice: ThemeChoice; theme: Theme; setChoice(choice: ThemeChoice): void } {
  const choice = useSyncExternalStore(subscribe, themeChoice);
  const theme = useSyncExternalStore(subscribe, () => resolveTheme(themeChoice()));
  return { choice, theme, setChoice: setThemeChoice };
}
