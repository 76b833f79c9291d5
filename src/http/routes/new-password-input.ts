import { z } from 'zod';
import type { FieldErrors } from '../views/form.tsx';

/** The policy itself (length, common and personal words) is the core's; this only checks the two boxes agree. */
export const newPasswordSchema = z
  .object({
    newPassword: z
      .string({ error: 'Enter a new password' })
      .min(1, 'Enter a new password')
      .max(1024, 'A password has at most 1024 characters'),
    confirmPassword: z.string({ error: 'Type the new password again' }).min(1, 'Type the new password again'),
  })
  // The hasher compares passwords in NFKC, so the two boxes are compared in it too: the same
  // password typed on two keyboards is the same password.
  .refine((form) => form.newPassword.normalize('NFKC') === form.confirmPassword.normalize('NFKC'), {
    path: ['confirmPassword'],
    message: 'The two passwords are not the same. Type the same password in both boxes.',
  });

export interface TypedPasswords {
  readonly newPassword?: string;
  readonly confirmPassword?: string;
}

/**
 * What goes back into the new-password boxes when the form is answered with errors, so a client
 * can look at (show) and fix what they typed rather than start again. A box with its own error,
 * and the confirmation of a refused new password, come back empty. Never used for the current or
 * temporary password, and the answer is `no-store`.
 */
export function keptPasswords(typed: Readonly<Record<string, string>>, errors: FieldErrors = {}): TypedPasswords {
  if (errors.newPassword) return {};
  const newPassword = typed.newPassword ?? '';
  const confirmPassword = errors.confirmPassword ? '' : (typed.confirmPassword ?? '');
  return { newPassword, confirmPassword };
}
