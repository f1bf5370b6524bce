"""The demo patches' code, one module per driver.

Hand-written C in the kernel's style (four-space indents here, tabs in the mails), with
the constructs the checks look for put where a real driver has them: migration ops, the
resume write path that takes userspace data, parent-driver commands.
"""
