"""Movement documents (Annex V B): one per shipment under a consented notification, from prior
notice through carriers and borders to receipt and the certificate of recovery or disposal."""
