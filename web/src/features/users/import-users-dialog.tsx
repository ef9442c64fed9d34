import { CircleCheck, FileUp, TriangleAlert, Upload } from 'lucide-react';
import { useId, useMemo, useState, type ChangeEvent, type DragEvent } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Label } from '@/components/ui/label';
import { NativeSelect, Textarea } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api, type ImportReport } from '@/lib/api';
import { cn } from '@/lib/cn';
import { readFileText } from '@/lib/files';
import { previewImport, type ImportPreview, type PreviewRecord } from './import-preview';

const PREVIEW_ROWS = 5;

interface ImportUsersDialogProps {
  /** Called after an import stored at least one user. */
  onImported(report: ImportReport): void;
}

/** Import users from a CSV (header row) or JSON file: a preview first, then the rows the server rejected. */
export function ImportUsersDialog({ onImported }: ImportUsersDialogProps) {
  const [open, setOpen] = useState(false);
  const [fileName, setFileName] = useState('');
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'upsert' | 'skip'>('upsert');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [report, setReport] = useState<ImportReport>();
  const [dragging, setDragging] = useState(false);
  const fileInputId = useId();
  const pasteId = useId();
  const modeId = useId();

  const preview = useMemo(() => (text.trim() ? previewImport(text, fileName) : undefined), [text, fileName]);

  const reset = () => {
    setFileName('');
    setText('');
    setError(undefined);
    setReport(undefined);
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    setReport(undefined);
    setError(undefined);
    setFileName(file.name);
    setText(await readFileText(file));
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void readFile(event.dataTransfer.files[0]);
  };

  const submit = async () => {
    if (!preview || preview.problem) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.importUsers(text, preview.format, mode);
      setReport(result);
      if (result.imported > 0) onImported(result);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <Upload aria-hidden /> Import CSV
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Import users</DialogTitle>
          <DialogDescription>
            A CSV file with a header row (<code>id</code> optional, <code>name</code> required; <code>preferences.platform</code> columns become
            nested fields) or a JSON array of users.
          </DialogDescription>
        </DialogHeader>

        <div className="flex min-h-0 flex-col gap-4 overflow-y-auto">
          {!report && (
            <>
              <label
                htmlFor={fileInputId}
                onDragOver={(event) => {
                  event.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={onDrop}
                className={cn(
                  'flex cursor-pointer flex-col items-center gap-1 rounded-lg border-2 border-dashed px-4 py-5 text-center text-sm transition-colors',
                  'focus-within:ring-2 focus-within:ring-ring hover:bg-muted/50',
                  dragging && 'border-primary bg-primary/5',
                )}
              >
                <FileUp className="size-6 text-muted-foreground" aria-hidden />
                <span className="font-medium">{fileName || 'Choose a CSV or JSON file'}</span>
                <span className="text-xs text-muted-foreground">or drop it here</span>
                <input
                  id={fileInputId}
                  type="file"
                  accept=".csv,.json,text/csv,application/json"
                  aria-label="CSV or JSON file"
                  className="sr-only"
                  onChange={(event: ChangeEvent<HTMLInputElement>) => void readFile(event.target.files?.[0])}
                />
              </label>

              <details className="text-sm">
                <summary className="cursor-pointer rounded text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
                  …or paste the CSV
                </summary>
                <Label htmlFor={pasteId} className="sr-only">
                  CSV or JSON text
                </Label>
                <Textarea
                  id={pasteId}
                  className="mt-2"
                  rows={5}
                  placeholder={'id,name,role\nalice,Alice Johnson,Marketing Manager'}
                  value={text}
                  onChange={(event) => {
                    setFileName('');
                    setText(event.target.value);
                  }}
                />
              </details>

              <div className="flex flex-wrap items-center gap-2">
                <Label htmlFor={modeId}>Existing users</Label>
                <NativeSelect id={modeId} className="w-auto" value={mode} onChange={(event) => setMode(event.target.value as 'upsert' | 'skip')}>
                  <option value="upsert">Update them</option>
                  <option value="skip">Keep them (reject those rows)</option>
                </NativeSelect>
              </div>

              {preview && <PreviewTable preview={preview} />}
            </>
          )}

          {error !== undefined && <ErrorNotice error={error} title="The import was refused" />}
          {report && preview && <ImportResult report={report} preview={preview} />}
        </div>

        <DialogFooter>
          {report ? (
            <>
              <Button variant="outline" onClick={reset}>
                Import another file
              </Button>
              <Button onClick={() => setOpen(false)}>Done</Button>
            </>
          ) : (
            <Button onClick={submit} disabled={!preview || !!preview.problem || preview.records.length === 0 || busy}>
              <Upload aria-hidden />
              {busy ? 'Importing…' : `Import ${preview?.records.length ?? 0} ${preview?.records.length === 1 ? 'row' : 'rows'}`}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function PreviewTable({ preview }: { preview: ImportPreview }) {
  if (preview.problem) {
    return (
      <Alert variant="warning">
        <TriangleAlert aria-hidden />
        <div>
          <AlertTitle>This file cannot be imported</AlertTitle>
          <AlertDescription>{preview.problem}</AlertDescription>
        </div>
      </Alert>
    );
  }
  const shown = preview.records.slice(0, PREVIEW_ROWS);
  return (
    <section aria-label="Preview" className="flex flex-col gap-2">
      <p className="text-sm">
        <span className="font-medium">{preview.records.length}</span> {preview.records.length === 1 ? 'row' : 'rows'} ·{' '}
        <span className="text-muted-foreground">{preview.columns.length} columns</span>
      </p>
      <Table containerClassName="max-h-56 rounded-md border" className="text-xs">
        <TableHeader>
          <TableRow>
            <TableHead className="w-12">Row</TableHead>
            {preview.columns.map((column) => (
              <TableHead key={column} className="normal-case">
                {column}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.map((record) => (
            <TableRow key={record.row}>
              <TableCell className="tabular-nums text-muted-foreground">{record.row}</TableCell>
              {preview.columns.map((column, index) => (
                <TableCell key={column} className="max-w-40 truncate">
                  {record.cells[index]}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {preview.records.length > PREVIEW_ROWS && (
        <p className="text-xs text-muted-foreground">…and {preview.records.length - PREVIEW_ROWS} more</p>
      )}
    </section>
  );
}

function ImportResult({ report, preview }: { report: ImportReport; preview: ImportPreview }) {
  const byRow = new Map<number, PreviewRecord>(preview.records.map((record) => [record.row, record]));
  return (
    <div className="flex flex-col gap-3">
      <Alert variant={report.rejected.length ? 'warning' : 'info'}>
        {report.rejected.length ? <TriangleAlert aria-hidden /> : <CircleCheck aria-hidden />}
        <div>
          <AlertTitle>
            Imported {report.imported} {report.imported === 1 ? 'user' : 'users'}
            {report.rejected.length > 0 && `, rejected ${report.rejected.length} ${report.rejected.length === 1 ? 'row' : 'rows'}`}
          </AlertTitle>
          {report.rejected.length > 0 && <AlertDescription>Fix these rows and import the file again; the others are stored.</AlertDescription>}
        </div>
      </Alert>
      {report.rejected.length > 0 && (
        <Table containerClassName="max-h-64 rounded-md border" className="text-xs" aria-label="Rejected rows">
          <TableHeader>
            <TableRow>
              <TableHead className="w-12">Row</TableHead>
              <TableHead>As written</TableHead>
              <TableHead>Why it was rejected</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.rejected.map((rejected) => (
              <TableRow key={rejected.row}>
                <TableCell className="tabular-nums">
                  <Badge variant="destructive">{rejected.row}</Badge>
                </TableCell>
                <TableCell className="max-w-56">
                  <code className="block truncate" title={byRow.get(rejected.row)?.source}>
                    {byRow.get(rejected.row)?.source ?? '—'}
                  </code>
                </TableCell>
                <TableCell className="text-destructive">{rejected.reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
