import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { followSystemTheme } from './lib/theme';
import './index.css';

// Before the first render, so the page never flashes the other theme.
followSystemTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
