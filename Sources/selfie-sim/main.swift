print("selfie-sim")
