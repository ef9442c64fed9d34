import { Copy, Pencil } from 'lucide-react';
import { Button } from '@/components/ui/button';
import type { Workflow } from '@/lib/api';

/** Above a workflow's detail: open it in the editor (read-only when the config defines it), or edit a copy. */
export function WorkflowActions({ workflow, onEdit, onDuplicate }: { workflow: Workflow; onEdit(): void; onDuplicate(): void }) {
  return (
    <div className="mb-2 flex flex-wrap justify-end gap-2" role="group" aria-label="Workflow actions">
      <Button size="sm" variant="outline" onClick={onEdit}>
        <Pencil aria-hidden /> {workflow.source === 'api' ? 'Edit workflow' : 'Open in editor (read-only)'}
      </Button>
      <Button size="sm" variant="outline" onClick={onDuplicate}>
        <Copy aria-hidden /> {workflow.source === 'api' ? 'Duplicate' : 'Duplicate to edit'}
      </Button>
    </div>
  );
}
