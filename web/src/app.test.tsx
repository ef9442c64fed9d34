import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App, pageOf } from './app';
import { USERS, WELCOME_NOTE } from './test/fixtures';

/** A server behind `fetch` that wants the admin token `s3cret`. */
function serveWithToken() {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = String(input);
    if (new Headers(init?.headers).get('authorization') !== 'Bearer s3cret') {
      return new Response(JSON.stringify({ code: 'unauthorized', message: 'Send Authorization: Bearer <admin token>.' }), { status: 401 });
    }
    const body = url.startsWith('/api/users')
      ? { items: USERS, total: USERS.length }
      : url.startsWith('/api/workflows')
        ? [WELCOME_NOTE]
        : url.startsWith('/api/runs')
          ? { items: [], total: 0 }
          : { timestamp: new Date().toISOString(), total_active_users: 0, users: [] }; // /monitor/users
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  });
}

afterEach(() => {
  window.location.hash = '';
});

describe('pageOf', () => {
  it('routes #/monitor to the monitor and anything else to the workspace', () => {
    expect(pageOf('#/monitor')).toBe('monitor');
    expect(pageOf('#monitor')).toBe('monitor');
    expect(pageOf('')).toBe('workspace');
    expect(pageOf('#/anything')).toBe('workspace');
  });
});

describe('App', () => {
  it('asks for the admin token when the server refuses, keeps it in localStorage, and sends it', async () => {
    const fetch = serveWithToken();
    const user = userEvent.setup();
    render(<App />);
    const askers = await screen.findAllByRole('button', { name: 'Set admin token' });
    await user.click(askers[0]);
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    await user.type(within(dialog).getByLabelText('Admin token'), 's3cret');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(localStorage.getItem('userscope.adminToken')).toBe('s3cret');
    expect(await screen.findByText('Alice Johnson')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Welcome note' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Set admin token' })).not.toBeInTheDocument();
    const lastCall = fetch.mock.calls[fetch.mock.calls.length - 1];
    expect(new Headers(lastCall[1]?.headers).get('authorization')).toBe('Bearer s3cret');
  });

  it('switches between the workspace and the monitor with the navigation links', async () => {
    localStorage.setItem('userscope.adminToken', 's3cret');
    serveWithToken();
    const user = userEvent.setup();
    render(<App />);
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    expect(within(nav).getByRole('link', { name: 'Workspace' })).toHaveAttribute('aria-current', 'page');
    await user.click(within(nav).getByRole('link', { name: 'Monitor' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Monitor' })).toBeInTheDocument());
    expect(within(nav).getByRole('link', { name: 'Monitor' })).toHaveAttribute('aria-current', 'page');
  });

  it('switches between light and dark from the header, remembering the choice', async () => {
    localStorage.setItem('userscope.adminToken', 's3cret');
    serveWithToken();
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByRole('button', { name: 'Switch to dark mode' }));
    expect(document.documentElement).toHaveClass('dark');
    expect(localStorage.getItem('userscope.theme')).toBe('dark');
    await user.click(screen.getByRole('button', { name: 'Switch to light mode' }));
    expect(document.documentElement).not.toHaveClass('dark');
    expect(localStorage.getItem('userscope.theme')).toBe('light');
  });
});
