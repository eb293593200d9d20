"""BaselTrack: electronic manifests for transboundary movements of hazardous waste."""
