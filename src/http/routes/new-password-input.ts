import { z } from 'zod';

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
