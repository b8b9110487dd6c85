print("letswork")
