namespace MonitorApp.Kernel;

public sealed record IngestAccepted(int Accepted);
