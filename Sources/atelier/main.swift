import AtelierCore
print("atelier")
