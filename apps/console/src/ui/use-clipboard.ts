import { useState } from 'react';

/** Copies a value to the clipboard on demand, and says whether the last copy went through (for a status line beside the button). */
export function useClipboard(value: string): { copied: 'yes' | 'no' | undefined; copy: () => void } {
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  const copy = () =>
    void navigator.clipboard.writeText(value).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  return { copied, copy };
}
