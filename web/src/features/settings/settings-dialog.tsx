import { KeyRound } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toaster';
import { ToggleGroup, ToggleGroupItem } from '@/components/ui/toggle-group';
import { getAdminToken, setAdminToken } from '@/lib/admin-token';
import { useTheme, type ThemeChoice } from '@/lib/theme';

/** The admin token, for servers with `general.admin_token`, and the theme: kept in this browser only. */
export function SettingsDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const theme = useTheme();
  const [token, setToken] = useState('');
  const [show, setShow] = useState(false);
  const tokenId = useId();
  const toast = useToast();

  useEffect(() => {
    if (open) setToken(getAdminToken());
  }, [open]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    setAdminToken(token);
    onOpenChange(false);
    toast({ title: token.trim() ? 'Admin token saved' : 'Admin token removed' });
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <form onSubmit={save} className="flex flex-col gap-4">
          <DialogHeader>
            <DialogTitle className="flex items-center gap-2">
              <KeyRound className="size-5 text-primary" aria-hidden /> Settings
            </DialogTitle>
            <DialogDescription>
              A server with <code>general.admin_token</code> (or <code>USERSCOPE_ADMIN_TOKEN</code>) answers the page only with that token. It is
              kept in this browser’s local storage and sent as <code>Authorization: Bearer</code>. Without a token, the server answers loopback
              clients only.
            </DialogDescription>
          </DialogHeader>
          <div className="flex flex-col gap-2">
            <Label htmlFor={tokenId}>Admin token</Label>
            <div className="flex gap-2">
              <Input
                id={tokenId}
                type={show ? 'text' : 'password'}
                autoComplete="off"
                spellCheck={false}
                value={token}
                onChange={(event) => setToken(event.target.value)}
                placeholder="Not set"
              />
              <Button variant="outline" onClick={() => setShow(!show)} aria-pressed={show}>
                {show ? 'Hide' : 'Show'}
              </Button>
            </div>
          </div>
          <div className="flex flex-col gap-2">
            <span id="theme-label" className="text-sm font-medium leading-none">
              Theme
            </span>
            <ToggleGroup
              type="single"
              aria-labelledby="theme-label"
              className="self-start"
              value={theme.choice}
              onValueChange={(value) => value && theme.setChoice(value as ThemeChoice)}
            >
              <ToggleGroupItem value="system">Follow the system</ToggleGroupItem>
              <ToggleGroupItem value="light">Light</ToggleGroupItem>
              <ToggleGroupItem value="dark">Dark</ToggleGroupItem>
            </ToggleGroup>
          </div>
          <DialogFooter>
            {getAdminToken() && (
              <Button variant="ghost" onClick={() => setToken('')}>
                Clear
              </Button>
            )}
            <Button type="submit">Save</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
