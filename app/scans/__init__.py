"""Border scans: a customs officer's QR scan becomes a verdict, a recorded crossing, or a flag."""
