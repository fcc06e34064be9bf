"""Performance monitoring: metrics, statistical process control and the performance report."""
