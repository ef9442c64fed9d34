import type { Config } from 'tailwindcss';

/** A colour from src/index.css's variables (oklch channels), so `bg-primary/10` works. */
const color = (name: string) => `oklch(var(--${name}) / <alpha-value>)`;

const COLORS = [
  'background', 'foreground', 'card', 'card-foreground', 'popover', 'popover-foreground', 'primary', 'primary-foreground',
  'secondary', 'secondary-foreground', 'muted', 'muted-foreground', 'accent', 'accent-foreground', 'destructive',
  'success', 'success-strong', 'warning', 'warning-strong', 'info', 'info-strong', 'highlight', 'highlight-foreground',
  'node-ref', 'node-ref-foreground', 'border', 'input', 'ring', 'page',
];

/** shadcn/ui's theme on CSS variables, with status colours for runs (Tailwind 3: no native bindings to install). */
export default {
  darkMode: 'class', // the `dark` class on <html>, set by src/lib/theme.ts from the OS or the user's choice
  content: { relative: true, files: ['./index.html', './src/**/*.{ts,tsx}'] },
  theme: {
    extend: {
      colors: Object.fromEntries(COLORS.map((name) => [name, color(name)])),
      borderRadius: { sm: 'calc(var(--radius) - 4px)', md: 'calc(var(--radius) - 2px)', lg: 'var(--radius)', xl: 'calc(var(--radius) + 4px)' },
      boxShadow: { xs: '0 1px 2px 0 rgb(0 0 0 / 0.05)' },
      opacity: { 8: '0.08', 12: '0.12', 15: '0.15', 35: '0.35', 45: '0.45', 55: '0.55', 65: '0.65', 85: '0.85' },
      keyframes: {
        'fade-in': { from: { opacity: '0' } },
        'dialog-in': { from: { opacity: '0', transform: 'translate(-50%, -48%) scale(0.97)' } },
        'sheet-in': { from: { transform: 'translateY(100%)' } },
      },
      animation: {
        'fade-in': 'fade-in 150ms ease-out',
        'dialog-in': 'dialog-in 150ms ease-out',
        'sheet-in': 'sheet-in 200ms ease-out',
      },
    },
  },
} satisfies Config;
